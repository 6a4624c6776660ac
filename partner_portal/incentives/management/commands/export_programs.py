import json

from django.core.management.base import BaseCommand

from partner_portal.incentives.models import Program
from partner_portal.incentives.program_files import program_to_file


class Command(BaseCommand):
    help = (
        "Print incentive programs as the JSON array `load_programs` reads "
        "(all of them, or those whose codes are given)."
    )

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", help="program codes (default: all)")

    def handle(self, *args, codes=(), **options):
        programs = Program.objects.order_by("code")
        if codes:
            programs = programs.filter(code__in=codes)
        data = [program_to_file(program) for program in programs]
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
