"""Tables in files: reading uploaded CSV and XLSX safely, writing formula-safe exports.

Not a Django app and not a partner concept: any app that reads or writes a
spreadsheet uses this package, so encodings, refusals and escaping behave the same
everywhere.
"""
