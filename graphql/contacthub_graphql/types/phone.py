
import strawberry


@strawberry.type(description="A phone number as typed, with its E.164 form when it could be parsed.")
class Phone:
    raw: str = strawberry.field(description="As given.")
    e164: str | None = strawberry.field(
        description="`+` and digits (`+14155550123`); null when the number could not be parsed.")
