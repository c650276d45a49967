"""Signals the case services send so other apps can keep derived data up to date.

The reports app listens to keep its per-Order findings and per-referral summaries current;
the cases app does not need to know what they are.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the service's transaction after anything on an Order changed.
# Arguments: order_ids (list[int]).
orders_changed = Signal()

# Sent inside the import's transaction for the cases it wrote in bulk, with or without an
# Order (the services save cases one at a time, which ``post_save`` already tells).
# Arguments: case_ids (list[int]).
referrals_changed = Signal()
