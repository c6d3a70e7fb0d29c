"""On ``PYTHONPATH`` (the fault tests put this folder there), Python imports this module at
start-up: in the worker and in every extraction process it spawns, the markers of
``faults`` then make extraction misbehave."""

import faults

faults.install()
