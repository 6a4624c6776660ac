"""Programs in files: `manage.py load_programs FILE` and `export_programs`.

A file holds one program object or a JSON (or YAML) array of them, each with `code,
name, kind, currency, start, end, period, eligible_tiers, rules, cap_per_period`
(the README's "Incentive programs" shows one). Numbers are read as Decimals straight
from their text, never through float, whether written as strings or numbers. A file
with any error is refused whole, with every error and where it is
(`programs[2].rules[0].rates.gold`); a good file creates or updates programs by code,
so loading it again changes nothing.
"""

from .checks import ProgramFileError, check_programs, read_program_file
from .load import LoadReport, program_to_file, programs_load

__all__ = [
    "LoadReport",
    "ProgramFileError",
    "check_programs",
    "program_to_file",
    "programs_load",
    "read_program_file",
]
