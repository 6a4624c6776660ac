"""The portal's incentives pages, under /incentives/ (the sales ledger is urls.py,
under /sales/)."""

from django.urls import path

from .views import statements

urlpatterns = [
    path("", statements.incentives_home, name="incentives-home"),
    path(
        "statements/<int:pk>/", statements.statement_detail, name="incentive-statement"
    ),
    path(
        "statements/<int:pk>/statement.pdf",
        statements.statement_pdf_download,
        name="incentive-statement-pdf",
    ),
    path(
        "statements/<int:pk>/statement.csv",
        statements.statement_csv_download,
        name="incentive-statement-csv",
    ),
    path(
        "statements/<int:pk>/lines/<int:number>/",
        statements.line_detail,
        name="incentive-line",
    ),
    path(
        "statements/<int:pk>/lines/<int:number>/sales.csv",
        statements.line_csv_download,
        name="incentive-line-csv",
    ),
    path("disputes/<int:pk>/", statements.dispute_detail, name="incentive-dispute"),
]
