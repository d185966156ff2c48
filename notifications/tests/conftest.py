from experiences.tests.personas import (  # noqa: F401 - fixtures
    communities,
    facilitator,
    instrument,
    member,
    observer,
    people,
)
