from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tqdm import tqdm

from partner_portal.incentives.models import Program
from partner_portal.incentives.periods import PeriodError
from partner_portal.incentives.statements.runs import statements_run


class Command(BaseCommand):
    help = (
        "Compute a program's statements for one period (2026-07, 2026-Q3 or 2026) "
        "from the sales ledger: drafts are replaced, issued statements get "
        "adjustments."
    )

    def add_arguments(self, parser):
        parser.add_argument("--program", required=True, help="the program's code")
        parser.add_argument("--period", required=True, help="2026-07, 2026-Q3 or 2026")

    def handle(self, *args, program, period, **options):
        try:
            found = Program.objects.get(code=program)
        except Program.DoesNotExist:
            raise CommandError(
                _("There is no incentive program with the code “%(code)s”.")
                % {"code": program}
            ) from None
        with tqdm(
            desc=_("Partners"),
            unit=" partners",
            file=self.stderr._out,
            disable=options["verbosity"] == 0,
        ) as bar:

            def progress(done, total):
                bar.total = total
                bar.n = done
                bar.refresh()

            try:
                report = statements_run(
                    program=found, period_label=period, progress=progress
                )
            except PeriodError as error:
                raise CommandError(str(error)) from None
        self.stdout.write(
            _(
                "%(program)s %(period)s: %(created)s created, %(replaced)s drafts "
                "replaced, %(removed)s removed, %(adjustments)s adjustments, "
                "%(unchanged)s issued unchanged."
            )
            % {
                "program": report.program,
                "period": report.period,
                "created": report.created,
                "replaced": report.replaced,
                "removed": report.removed,
                "adjustments": report.adjustments,
                "unchanged": report.unchanged,
            }
        )
        for currency, total in report.total_by_currency.items():
            self.stdout.write(
                _("Total %(currency)s %(total)s")
                % {"currency": currency, "total": total}
            )
