"""A subscription whose deliveries all fail for 5 days is disabled, visibly; one success clears the record."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from fakes import AllowAllTargets, InMemoryDeliveries, InMemoryWebhooks, RecordingQueue, ScriptedSender

from contacthub.domain.events import Event
from contacthub.services.feed import FeedService
from contacthub.services.webhooks import WebhookService

WORKSPACE = "ws-1"
START = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


class World:
    def __init__(self, *statuses: int | None) -> None:
        self.clock = Clock()
        self.webhooks, self.deliveries, self.queue = InMemoryWebhooks(), InMemoryDeliveries(), RecordingQueue()
        self.sender = ScriptedSender(*statuses)
        # one attempt per delivery: each failure is final, so every event tests the health record alone
        self.service = WebhookService(self.webhooks, self.deliveries, self.queue, AllowAllTargets(), self.sender,
                                      clock=self.clock, retry_schedule=())
        self.feed = FeedService(_NoEvents(), self.webhooks, self.deliveries, self.queue, clock=self.clock)
        self.hook, _ = self.service.create(WORKSPACE, {"url": "https://hooks.example/in", "events": ["*"]})
        self.position = 0

    def event_delivered_at(self, at: datetime):
        self.clock.now = at
        self.position += 1
        event = Event(workspace_id=WORKSPACE, id=f"evt_{self.position:020d}", type="contact.created", time=at,
                      ids={"id": "c-1"}, data={"id": "c-1"})
        self.queue.queued.clear()
        self.feed.record([event])
        for ref, _delay in list(self.queue.queued):
            self.service.deliver(ref)
        return self.webhooks.get(WORKSPACE, self.hook.id)


class _NoEvents:
    def add(self, event: Event) -> bool:
        return True

    def page(self, workspace_id, after, types, limit):
        return [], False


def test_failing_for_five_days_disables_the_subscription_and_says_why():
    world = World(500)
    first = world.event_delivered_at(START)
    assert first.enabled and first.failing_since == START and first.disabled_reason is None
    almost = world.event_delivered_at(START + timedelta(days=4, hours=23))
    assert almost.enabled and almost.failing_since == START  # the run of failures started at the first one
    disabled = world.event_delivered_at(START + timedelta(days=5))
    assert not disabled.enabled
    assert disabled.disabled_reason and "2026-03-01" in disabled.disabled_reason
    # Then later events are not delivered to it at all
    sent = len(world.sender.sent)
    world.event_delivered_at(START + timedelta(days=6))
    assert len(world.sender.sent) == sent


def test_one_success_clears_the_failing_record():
    world = World(500, 204, 500)
    assert world.event_delivered_at(START).failing_since == START
    assert world.event_delivered_at(START + timedelta(days=3)).failing_since is None
    again = world.event_delivered_at(START + timedelta(days=6))
    assert again.enabled and again.failing_since == START + timedelta(days=6)


def test_re_enabling_starts_the_clock_afresh():
    world = World(500)
    world.event_delivered_at(START)
    world.event_delivered_at(START + timedelta(days=5))
    enabled = world.service.update(WORKSPACE, world.hook.id, {"enabled": True})
    assert enabled.enabled and enabled.failing_since is None and enabled.disabled_reason is None
