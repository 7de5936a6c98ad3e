"""Where the network's hosts live: a policy list of ISO 3166-1 alpha-2 codes, plain Python.

A host, an offer or a sheet row can only be in one of these countries (never Russia or
Belarus, where a host would be in danger). Names, and the whole list of codes, come from
sanctuary/countries.py; add a code here when the network starts to have hosts there."""

COUNTRY_CODES = (
    "KZ",  # Kazakhstan
    "GE",  # Georgia
    "AM",  # Armenia
    "KG",  # Kyrgyzstan
    "UZ",  # Uzbekistan
    "MN",  # Mongolia
    "TR",  # Turkey
    "RS",  # Serbia
    "ME",  # Montenegro
    "AE",  # United Arab Emirates
    "IL",  # Israel
    "DE",  # Germany
    "FI",  # Finland
    "FR",  # France
    "NL",  # Netherlands
    "PL",  # Poland
    "LT",  # Lithuania
    "LV",  # Latvia
    "EE",  # Estonia
    "CZ",  # Czechia
    "ES",  # Spain
    "PT",  # Portugal
    "AR",  # Argentina
)
