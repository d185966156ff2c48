from experiences.tests.personas import (  # noqa: F401 - fixtures
    communities,
    default_language,
    facilitator,
    instrument,
    member,
    observer,
    people,
)
