"""The pages of the service, one module per part of the domain.

Views decide nothing themselves: access comes from ``dtto.accounts.permissions``, every
change from a service in ``services`` or ``reporting_services`` (saved once, through
``common.record_page``: docs/decisions/0006-every-write-once.md), and every "due", "met"
and "overdue" from the National Standard engine.
"""
