"""Countries where the network's hosts live: ISO 3166-1 alpha-2 codes, plain Python. The
translated names are in forms.py."""

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

# Names a partner's sheet may use instead of the code (lower case).
COUNTRY_ALIASES = {
    "kazakhstan": "KZ",
    "казахстан": "KZ",
    "georgia": "GE",
    "грузия": "GE",
    "armenia": "AM",
    "армения": "AM",
    "kyrgyzstan": "KG",
    "кыргызстан": "KG",
    "киргизия": "KG",
    "uzbekistan": "UZ",
    "узбекистан": "UZ",
    "mongolia": "MN",
    "монголия": "MN",
    "turkey": "TR",
    "türkiye": "TR",
    "турция": "TR",
    "serbia": "RS",
    "сербия": "RS",
    "montenegro": "ME",
    "черногория": "ME",
    "germany": "DE",
    "германия": "DE",
    "finland": "FI",
    "финляндия": "FI",
}


def country_code(text: str) -> str | None:
    """The code for a code or a known name, or None."""
    cleaned = text.strip()
    if cleaned.upper() in COUNTRY_CODES:
        return cleaned.upper()
    return COUNTRY_ALIASES.get(cleaned.lower())
