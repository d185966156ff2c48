from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstrumentsConfig(AppConfig):
    """The instrument library: instruments, their phases, sectors, audiences and revisions."""

    name = "instruments"
    verbose_name = _("Instruments")

    def ready(self) -> None:
        from instruments.counts import connect_signals

        connect_signals()
