"""Signals other apps listen to (privacy imports none of them).

`consent_withdrawn(sender=Consent, user=, purpose=)`: sent when a person's newest
decision about a purpose becomes "no" (privacy page, unsubscribe link, stop of use),
after the row is saved; campaigns cancels the person's pending mail of that purpose.
"""

from django.dispatch import Signal

consent_withdrawn = Signal()
