"""Every validation message, once. Wording follows Symfony's validators, which letsligo clients (API Platform)
already show their users; each dialect renders these unchanged."""
from __future__ import annotations

BLANK = "This value should not be blank."
NULL = "This value should not be null."
READ_ONLY = "This field is read-only or unknown."
ENCODING = "This value is not valid UTF-8 text."
NOT_FINITE = "This value should be a finite number."
INVALID_EMAIL = "This value is not a valid email address."
INVALID_PHONE = "This value is not a valid phone number."
INVALID_DATETIME = "This value is not a valid ISO 8601 date-time."
UNDELIVERABLE = "This address cannot receive email from us: its mailbox name has non-ASCII characters."
NO_RECIPIENT = "This contact has no email address: add one to the contact, or name a recipient in `to`."
SESSION_OR_EMAIL = "Give the sessionId of a prepared email, or emailData."
EMPTY_SESSION = "This session has no draft to send yet."
CONTACT_NOT_FOUND = "Item not found: this contact does not exist."
STATE_NOT_FOUND = "This pipeline state does not exist."
LINE_BREAK = "This value must be a single line."
CONTROL_CHARACTER = "This value must not contain control characters."
NUL_CHARACTER = "This value contains a NUL character."
JSON_OBJECT = "This value should be a JSON object."
JSON_SCALAR = "This value should be a string, number, boolean or null."
LOCATION_ID = "A location needs a non-empty string id."
CHANNEL = "A channel is a short lowercase name such as whatsapp or telegram."
COLOR = "A color is written #RRGGBB."
DUE_DATE_RANGE = "The due date must fall between the years 1900 and 9998."
FILTER_UNAVAILABLE = "This filter is not available here."
FILTER_TOO_BROAD = ("This filter expands to more than {limit} alternatives (an AND of ORs multiplies them); "
                    "split it into several queries.")
FILTER_TOO_LONG = "This filter has more than {limit} conditions in one alternative."
FOREIGN_CURSOR = "This cursor was not issued by this API."
OTHER_LIST_CURSOR = "This cursor belongs to another list; start again without it."
CURSOR_WITH_ONE_CONTACT = "One contact checked is one page: no cursor goes with it."


def of_type(name: str) -> str:
    return f"This value should be of type {name}."


def too_long(limit: int, unit: str = "characters") -> str:
    return f"This value is too long. It should have {limit} {unit} or less."


def too_short(limit: int) -> str:
    return f"This value is too short. It should have {limit} characters or more."


def key_length(limit: int) -> str:
    return f"A key has 1 to {limit} characters."


def api_key_shape(minimum: int) -> str:
    return f"An API key has at least {minimum} URL-safe characters."


def too_many(limit: int) -> str:
    return f"This collection should contain {limit} elements or less."


def too_large(size: int, limit: int) -> str:
    return f"This value is too large ({size} bytes; at most {limit})."


def too_deep(limit: int) -> str:
    return f"This value is nested too deeply (at most {limit} levels)."


def choice(allowed: object = None) -> str:
    if allowed is None:
        return "The value you selected is not a valid choice."
    return f"The value you selected is not a valid choice ({allowed})."


def ambiguous_match(contact_ids: list[str]) -> str:
    return f"Several contacts match ({', '.join(contact_ids)}): merge them, or update one by its id."


def unreadable_vcard(reason: str) -> str:
    return f"This vCard could not be read: {reason[:200]}"
