//! Free text people type (titles, names, search text): trimmed, bounded, and free of control
//! characters — a NUL byte, for one, cannot be stored in PostgreSQL text at all.

use crate::error::{FieldCode, FieldIssue, Text};
use csp_messages::Msg;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextError {
    Required,
    TooLong { max: usize },
    ControlCharacters,
}

impl FieldIssue for TextError {
    fn code(&self) -> FieldCode {
        match self {
            TextError::Required => FieldCode::Required,
            TextError::TooLong { .. } => FieldCode::TooLong,
            TextError::ControlCharacters => FieldCode::InvalidCharacters,
        }
    }

    fn text(&self) -> Text {
        match self {
            TextError::Required => Text::new(Msg::FieldRequired),
            TextError::TooLong { max } => Text::new(Msg::FieldTooLongMax).with("max", max),
            TextError::ControlCharacters => Text::new(Msg::FieldControlCharacters),
        }
    }
}

/// One line of text, trimmed: no line breaks or other control characters, at most `max`
/// characters. Empty text is `Required`.
pub fn line(raw: &str, max: usize) -> Result<String, TextError> {
    check(raw, max, |c| c.is_control())
}

/// Several lines of text, trimmed: line breaks and tabs are allowed, other control characters
/// are not.
pub fn paragraphs(raw: &str, max: usize) -> Result<String, TextError> {
    check(raw, max, |c| {
        c.is_control() && !matches!(c, '\n' | '\r' | '\t')
    })
}

fn check(raw: &str, max: usize, forbidden: impl Fn(char) -> bool) -> Result<String, TextError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(TextError::Required);
    }
    if text.chars().count() > max {
        return Err(TextError::TooLong { max });
    }
    if text.chars().any(forbidden) {
        return Err(TextError::ControlCharacters);
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_trimmed_bounded_and_clean() {
        assert_eq!(
            line("  Refund for order 42 ", 100).unwrap(),
            "Refund for order 42"
        );
        assert_eq!(line("   ", 100), Err(TextError::Required));
        assert_eq!(line("abcdef", 5), Err(TextError::TooLong { max: 5 }));
        assert_eq!(
            line("漢字漢字漢", 5).unwrap(),
            "漢字漢字漢",
            "characters, not bytes"
        );
        for bad in ["a\0b", "a\nb", "a\u{7}b", "a\u{1b}[31mb"] {
            assert_eq!(line(bad, 100), Err(TextError::ControlCharacters), "{bad:?}");
        }
    }

    #[test]
    fn paragraphs_keep_line_breaks_only() {
        assert_eq!(
            paragraphs("first\r\n\tsecond", 100).unwrap(),
            "first\r\n\tsecond"
        );
        assert_eq!(paragraphs("a\0b", 100), Err(TextError::ControlCharacters));
    }
}
