"""Events of the domain that apps above the one that writes need to hear of.

The economy and goals apps save a unit's figures; the workflow app, above them, decides what
that means for the unit's submission. A signal keeps the dependency pointing downwards.
"""

from django.dispatch import Signal

# Sent inside the saving transaction, after a person changed one of a unit's figures for a
# period (forecast, investment figures, indicator values): unit, period, actor.
unit_figures_changed = Signal()
