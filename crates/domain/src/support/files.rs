//! The files a support request may carry: decided by their bytes, never by the uploader's word.

use crate::error::{FieldCode, FieldIssue, Text};
use csp_messages::Msg;

/// Attachments: at most this many per request (and per comment), each at most this big.
pub const MAX_FILES: usize = 5;
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// Files one request may hold in all, over its comments.
pub const MAX_FILES_PER_REQUEST: usize = 25;

/// The kinds of file a request may carry; the kind is decided from the file's bytes and name,
/// never from what the uploader claimed, and it decides the content type it is served with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentKind {
    Pdf,
    Png,
    Jpeg,
    Text,
    Csv,
    Email,
}

impl AttachmentKind {
    /// The kind of a file, or `None` when it is none of the accepted kinds.
    pub fn detect(file_name: &str, bytes: &[u8]) -> Option<AttachmentKind> {
        let text = !bytes.contains(&0) && std::str::from_utf8(bytes).is_ok();
        Self::of(file_name, bytes, text)
    }

    /// The kind from the name, the file's first bytes and whether all of it is UTF-8 text
    /// without NUL bytes.
    fn of(file_name: &str, head: &[u8], text: bool) -> Option<AttachmentKind> {
        let extension = file_name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        match extension.as_str() {
            "pdf" if head.starts_with(b"%PDF-") => Some(AttachmentKind::Pdf),
            "png" if head.starts_with(b"\x89PNG\r\n\x1a\n") => Some(AttachmentKind::Png),
            "jpg" | "jpeg" if head.starts_with(&[0xFF, 0xD8, 0xFF]) => Some(AttachmentKind::Jpeg),
            "txt" | "log" if text => Some(AttachmentKind::Text),
            "csv" if text => Some(AttachmentKind::Csv),
            "eml" if text => Some(AttachmentKind::Email),
            _ => None,
        }
    }

    /// The content type it is served with (text is served as plain text, never as HTML).
    pub fn content_type(self) -> &'static str {
        match self {
            AttachmentKind::Pdf => "application/pdf",
            AttachmentKind::Png => "image/png",
            AttachmentKind::Jpeg => "image/jpeg",
            AttachmentKind::Text => "text/plain; charset=utf-8",
            AttachmentKind::Csv => "text/csv; charset=utf-8",
            AttachmentKind::Email => "message/rfc822",
        }
    }
}

/// A file name as it may be shown and sent back: no folders (some browsers send the path), no
/// control characters, at most 200 characters; `file` when nothing is left.
pub fn clean_file_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "file".into()
    } else {
        cleaned
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileIssue {
    /// More than [`MAX_FILES_PER_REQUEST`] in all.
    RequestFull,
    TooMany,
    TooBig,
    WrongKind,
    Empty,
}

impl FieldIssue for FileIssue {
    fn code(&self) -> FieldCode {
        match self {
            FileIssue::RequestFull => FieldCode::RequestFull,
            FileIssue::TooMany => FieldCode::TooManyFiles,
            FileIssue::TooBig => FieldCode::FileTooBig,
            FileIssue::WrongKind => FieldCode::FileType,
            FileIssue::Empty => FieldCode::EmptyFile,
        }
    }

    fn text(&self) -> Text {
        match self {
            FileIssue::RequestFull => {
                Text::new(Msg::FieldRequestFull).with("max", MAX_FILES_PER_REQUEST)
            }
            FileIssue::TooMany => Text::new(Msg::FieldTooManyFiles).with("max", MAX_FILES),
            FileIssue::TooBig => {
                Text::new(Msg::FieldFileTooBig).with("mb", MAX_FILE_BYTES / 1024 / 1024)
            }
            FileIssue::WrongKind => Text::new(Msg::FieldFileType),
            FileIssue::Empty => Text::new(Msg::FieldEmptyFile),
        }
    }
}

/// The file picker's `accept` list.
pub const ACCEPT: &str = ".pdf,.png,.jpg,.jpeg,.txt,.log,.csv,.eml";

/// What the app can check before uploading: the name's extension and the size (the server
/// also checks the bytes).
pub fn precheck_file(file_name: &str, size: u64) -> Result<(), FileIssue> {
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if size == 0 {
        Err(FileIssue::Empty)
    } else if size > MAX_FILE_BYTES as u64 {
        Err(FileIssue::TooBig)
    } else if !ACCEPT
        .split(',')
        .any(|a| a.trim_start_matches('.') == extension)
    {
        Err(FileIssue::WrongKind)
    } else {
        Ok(())
    }
}

/// Checks a file as its bytes arrive, piece by piece, without keeping them: the verdict is
/// [`check_file`]'s on the whole file.
#[derive(Debug, Clone)]
pub struct FileCheck {
    size: usize,
    /// The first bytes, for the formats' signatures.
    head: Vec<u8>,
    /// Everything so far is UTF-8 without NUL bytes (but for `tail`).
    text: bool,
    /// The start of a character whose other bytes have not arrived yet.
    tail: Vec<u8>,
}

impl Default for FileCheck {
    fn default() -> Self {
        FileCheck {
            size: 0,
            head: Vec::with_capacity(HEAD),
            text: true,
            tail: Vec::new(),
        }
    }
}

/// Bytes of a file's start the signatures need.
const HEAD: usize = 8;

impl FileCheck {
    pub fn push(&mut self, bytes: &[u8]) {
        self.size += bytes.len();
        let wanted = HEAD.saturating_sub(self.head.len()).min(bytes.len());
        self.head.extend_from_slice(&bytes[..wanted]);
        if !self.text {
            return;
        }
        if bytes.contains(&0) {
            self.text = false;
            return;
        }
        // A character split between two pieces: join its start to this piece.
        let joined: std::borrow::Cow<[u8]> = if self.tail.is_empty() {
            std::borrow::Cow::Borrowed(bytes)
        } else {
            let mut joined = std::mem::take(&mut self.tail);
            joined.extend_from_slice(bytes);
            std::borrow::Cow::Owned(joined)
        };
        match std::str::from_utf8(&joined) {
            Ok(_) => {}
            Err(e) if e.error_len().is_none() => self.tail = joined[e.valid_up_to()..].to_vec(),
            Err(_) => self.text = false,
        }
    }

    pub fn size(&self) -> usize {
        self.size
    }

    pub fn too_big(&self) -> bool {
        self.size > MAX_FILE_BYTES
    }

    pub fn finish(&self, file_name: &str) -> Result<AttachmentKind, FileIssue> {
        if self.size == 0 {
            return Err(FileIssue::Empty);
        }
        if self.too_big() {
            return Err(FileIssue::TooBig);
        }
        let text = self.text && self.tail.is_empty();
        AttachmentKind::of(file_name, &self.head, text).ok_or(FileIssue::WrongKind)
    }
}

/// Checks one attached file.
pub fn check_file(file_name: &str, bytes: &[u8]) -> Result<AttachmentKind, FileIssue> {
    if bytes.is_empty() {
        return Err(FileIssue::Empty);
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(FileIssue::TooBig);
    }
    AttachmentKind::detect(file_name, bytes).ok_or(FileIssue::WrongKind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_checked_piece_by_piece_gets_the_verdict_of_the_whole() {
        let files: Vec<(&str, Vec<u8>)> = vec![
            ("a.txt", "naïve 发票 ✓ text\n".repeat(50).into_bytes()),
            ("a.csv", "id,名前\n1,二\n".into()),
            ("a.txt", b"bad \xff byte".to_vec()),
            ("a.txt", b"nul \0 byte".to_vec()),
            (
                "a.txt",
                "ends mid-character \u{1F600}".as_bytes()[..22].to_vec(),
            ),
            ("a.pdf", b"%PDF-1.7 \0\xff binary".to_vec()),
            ("a.pdf", b"%PD".to_vec()),
            ("a.png", b"\x89PNG\r\n\x1a\n\0\0".to_vec()),
            ("a.jpg", vec![0xFF, 0xD8, 0xFF, 0x00]),
            ("a.exe", b"MZ".to_vec()),
            ("a.txt", Vec::new()),
        ];
        for (name, bytes) in &files {
            let whole = check_file(name, bytes);
            for piece in [1, 2, 3, 5, 7, 64] {
                let mut check = FileCheck::default();
                for part in bytes.chunks(piece) {
                    check.push(part);
                }
                assert_eq!(check.size(), bytes.len());
                assert_eq!(check.finish(name), whole, "{name} in pieces of {piece}");
            }
        }
        let mut big = FileCheck::default();
        big.push(&vec![b'a'; MAX_FILE_BYTES]);
        assert_eq!(big.finish("a.txt"), Ok(AttachmentKind::Text));
        big.push(b"a");
        assert!(big.too_big());
        assert_eq!(big.finish("a.txt"), Err(FileIssue::TooBig));
    }

    #[test]
    fn the_wrong_kind_text_names_every_accepted_extension() {
        let text = FileIssue::WrongKind.message();
        for extension in ["PDF", "PNG", "JPEG", "TXT", "CSV", "EML"] {
            let name = format!("file.{}", extension.to_lowercase());
            let bytes: &[u8] = match extension {
                "PDF" => b"%PDF-1.7",
                "PNG" => b"\x89PNG\r\n\x1a\n",
                "JPEG" => &[0xFF, 0xD8, 0xFF, 0xE0],
                _ => b"text",
            };
            assert!(AttachmentKind::detect(&name, bytes).is_some(), "{name}");
            assert!(text.contains(extension), "{text} names {extension}");
        }
    }

    #[test]
    fn files_are_judged_by_their_bytes() {
        assert_eq!(
            check_file("invoice.pdf", b"%PDF-1.7 ..."),
            Ok(AttachmentKind::Pdf)
        );
        assert_eq!(
            check_file("shot.PNG", b"\x89PNG\r\n\x1a\n...."),
            Ok(AttachmentKind::Png)
        );
        assert_eq!(
            check_file("notes.txt", "héllo".as_bytes()),
            Ok(AttachmentKind::Text)
        );
        assert_eq!(
            check_file("evil.pdf", b"<html><script>"),
            Err(FileIssue::WrongKind),
            "a name is not a kind"
        );
        assert_eq!(
            check_file("page.html", b"<html>"),
            Err(FileIssue::WrongKind)
        );
        assert_eq!(
            check_file("image.svg", b"<svg onload=alert(1)>"),
            Err(FileIssue::WrongKind)
        );
        assert_eq!(
            check_file("data.csv", b"a,b\x00"),
            Err(FileIssue::WrongKind),
            "binary is not text"
        );
        assert_eq!(check_file("empty.txt", b""), Err(FileIssue::Empty));
        assert_eq!(
            check_file("big.txt", &vec![b'a'; MAX_FILE_BYTES + 1]),
            Err(FileIssue::TooBig)
        );
        assert_eq!(
            AttachmentKind::Text.content_type(),
            "text/plain; charset=utf-8"
        );
    }

    #[test]
    fn the_app_prechecks_names_and_sizes() {
        assert_eq!(precheck_file("scan.JPG", 1000), Ok(()));
        assert_eq!(precheck_file("run.exe", 1000), Err(FileIssue::WrongKind));
        assert_eq!(precheck_file("noext", 1000), Err(FileIssue::WrongKind));
        assert_eq!(precheck_file("a.pdf", 0), Err(FileIssue::Empty));
        assert_eq!(
            precheck_file("a.pdf", MAX_FILE_BYTES as u64 + 1),
            Err(FileIssue::TooBig)
        );
        for accepted in ACCEPT.split(',') {
            assert!(
                precheck_file(&format!("x{accepted}"), 1).is_ok(),
                "{accepted}"
            );
        }
    }

    #[test]
    fn file_names_lose_folders_and_control_characters() {
        assert_eq!(clean_file_name("C:\\Users\\me\\invoice.pdf"), "invoice.pdf");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("a\u{0}b\r\n.txt"), "ab.txt");
        assert_eq!(clean_file_name("..."), "file");
        assert_eq!(clean_file_name("发票.pdf"), "发票.pdf");
        assert_eq!(clean_file_name(&"x".repeat(300)).len(), 200);
    }
}
