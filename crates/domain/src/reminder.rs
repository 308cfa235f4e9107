//! Reminders before a deadline passes (issue "Lifecycle"): to the partner's Admin agents 30 and
//! 7 days before a subscription's term ends (it renews at a price, or it expires) and 3 days and
//! 1 day before an order's cancellation window closes. Each once: a reminder is *settled* when
//! its moment has come, and sent only if it is the most urgent one then — one the product
//! missed (it was down when its moment came) is not sent late beside a more urgent one.

use chrono::{DateTime, Duration, Utc};

/// What a reminder is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Deadline {
    /// A subscription's or reservation's term end.
    TermEnd,
    /// The end of an order's cancellation window.
    CancellationWindow,
}

impl Deadline {
    pub fn as_str(self) -> &'static str {
        match self {
            Deadline::TermEnd => "term_end",
            Deadline::CancellationWindow => "cancellation_window",
        }
    }

    /// Its reminders, least urgent first.
    pub fn reminders(self) -> &'static [ReminderKind] {
        match self {
            Deadline::TermEnd => &[ReminderKind::TermEnds30, ReminderKind::TermEnds7],
            Deadline::CancellationWindow => {
                &[ReminderKind::WindowCloses3, ReminderKind::WindowCloses1]
            }
        }
    }

    /// How far ahead its first reminder comes.
    pub fn horizon(self) -> Duration {
        Duration::days(i64::from(self.reminders()[0].days_before()))
    }
}

/// One reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReminderKind {
    TermEnds30,
    TermEnds7,
    WindowCloses3,
    WindowCloses1,
}

impl ReminderKind {
    pub const ALL: [ReminderKind; 4] = [
        ReminderKind::TermEnds30,
        ReminderKind::TermEnds7,
        ReminderKind::WindowCloses3,
        ReminderKind::WindowCloses1,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReminderKind::TermEnds30 => "term_end_30d",
            ReminderKind::TermEnds7 => "term_end_7d",
            ReminderKind::WindowCloses3 => "window_3d",
            ReminderKind::WindowCloses1 => "window_1d",
        }
    }

    pub fn parse(s: &str) -> Option<ReminderKind> {
        ReminderKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn days_before(self) -> u32 {
        match self {
            ReminderKind::TermEnds30 => 30,
            ReminderKind::TermEnds7 => 7,
            ReminderKind::WindowCloses3 => 3,
            ReminderKind::WindowCloses1 => 1,
        }
    }

    pub fn deadline(self) -> Deadline {
        match self {
            ReminderKind::TermEnds30 | ReminderKind::TermEnds7 => Deadline::TermEnd,
            ReminderKind::WindowCloses3 | ReminderKind::WindowCloses1 => {
                Deadline::CancellationWindow
            }
        }
    }

    /// When it is due: this many days before `deadline`.
    pub fn moment(self, deadline: DateTime<Utc>) -> DateTime<Utc> {
        deadline - Duration::days(i64::from(self.days_before()))
    }
}

/// What to do about a deadline at a given instant.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Due {
    /// The reminders whose moment has come and that were not settled yet, least urgent first.
    pub settle: Vec<ReminderKind>,
    /// Of those, the one to send: the most urgent.
    pub send: Option<ReminderKind>,
}

/// The reminders of `deadline` (at `at`) to settle at `now`, given those `settled` before.
/// Nothing once the deadline has passed.
pub fn due(
    deadline: Deadline,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
    settled: &[ReminderKind],
) -> Due {
    if now >= at {
        return Due::default();
    }
    let settle: Vec<ReminderKind> = deadline
        .reminders()
        .iter()
        .copied()
        .filter(|k| k.moment(at) <= now && !settled.contains(k))
        .collect();
    // A more urgent reminder's moment comes later, so it is never settled before a less
    // urgent one: the last of those due now is the one to send.
    let send = settle.last().copied();
    Due { settle, send }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn each_reminder_comes_at_its_moment_and_not_after_the_deadline() {
        let end = t("2027-06-15T09:30:00Z");
        let none = Due::default();
        assert_eq!(
            due(Deadline::TermEnd, end, t("2027-05-16T09:29:59Z"), &[]),
            none
        );
        assert_eq!(
            due(Deadline::TermEnd, end, t("2027-05-16T09:30:00Z"), &[]),
            Due {
                settle: vec![ReminderKind::TermEnds30],
                send: Some(ReminderKind::TermEnds30)
            }
        );
        assert_eq!(
            due(
                Deadline::TermEnd,
                end,
                t("2027-06-01T00:00:00Z"),
                &[ReminderKind::TermEnds30]
            ),
            none
        );
        assert_eq!(
            due(
                Deadline::TermEnd,
                end,
                t("2027-06-08T09:30:00Z"),
                &[ReminderKind::TermEnds30]
            ),
            Due {
                settle: vec![ReminderKind::TermEnds7],
                send: Some(ReminderKind::TermEnds7)
            }
        );
        // Missed the 30-day moment: only the 7-day reminder goes out, both are settled.
        assert_eq!(
            due(Deadline::TermEnd, end, t("2027-06-10T00:00:00Z"), &[]),
            Due {
                settle: vec![ReminderKind::TermEnds30, ReminderKind::TermEnds7],
                send: Some(ReminderKind::TermEnds7)
            }
        );
        assert_eq!(due(Deadline::TermEnd, end, end, &[]), none);
        assert_eq!(
            due(
                Deadline::CancellationWindow,
                end,
                t("2027-06-14T12:00:00Z"),
                &[]
            )
            .send,
            Some(ReminderKind::WindowCloses1)
        );
    }

    /// A small deterministic generator (xorshift), so the property runs without a dependency.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    /// Over any rising sequence of clock ticks: no reminder is sent twice, and a reminder is
    /// sent exactly when the first tick at or after its moment comes before both the deadline
    /// and the moment of the next more urgent reminder.
    #[test]
    fn property_each_reminder_once_over_any_sequence_of_ticks() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for deadline in [Deadline::TermEnd, Deadline::CancellationWindow] {
            for _ in 0..5_000 {
                let at = t("2027-06-15T09:30:00Z");
                let span = deadline.horizon().num_seconds() + 5 * 86_400;
                let start = at - deadline.horizon() - Duration::days(3);
                let mut ticks: Vec<DateTime<Utc>> = (0..(rng.next() % 12))
                    .map(|_| start + Duration::seconds((rng.next() % span as u64) as i64))
                    .collect();
                ticks.sort();
                let mut settled = Vec::new();
                let mut sent = Vec::new();
                for &now in &ticks {
                    let d = due(deadline, at, now, &settled);
                    for k in &d.settle {
                        assert!(!settled.contains(k), "{k:?} settled twice");
                    }
                    settled.extend(d.settle.iter().copied());
                    sent.extend(d.send);
                }
                let reminders = deadline.reminders();
                for (i, kind) in reminders.iter().enumerate() {
                    let times = sent.iter().filter(|s| *s == kind).count();
                    assert!(times <= 1, "{kind:?} sent {times} times over {ticks:?}");
                    let until = reminders.get(i + 1).map_or(at, |next| next.moment(at));
                    let first = ticks.iter().find(|&&tick| tick >= kind.moment(at));
                    let expected = first.is_some_and(|&tick| tick < until);
                    assert_eq!(
                        times == 1,
                        expected,
                        "{kind:?} over {ticks:?}: sent {sent:?}"
                    );
                }
            }
        }
    }
}
