//! What error messages and logs may quote of a server's text: excerpts of bodies with personal
//! data masked, and access tokens scrubbed.
//!
//! Longer than most files here: about 330 lines of masking (JSON, text, cut-off ends) that
//! belong together, and their tests.

use crate::call::CALL;

const EXCERPT_CHARS: usize = 200;
/// How much of a body an excerpt is made from: far more than the excerpt shows, so that the
/// masking, which shortens what it masks, still fills it; little enough that a body of
/// megabytes costs no more to quote than one of a few kilobytes.
const EXCERPT_SCAN_BYTES: usize = 8 * 1024;
const MASK: &str = "[masked]";

/// The start of a body, lossily decoded, for error messages, with personal data masked.
///
/// Error messages end up in logs, so a body is quoted only after masking:
///
/// - a token response is never quoted;
/// - only the first 8 KiB are read; a word, string or value that runs past them is masked
///   whole, since what would have told whether it is personal may lie beyond;
/// - access tokens are masked (see [`scrub_tokens`]);
/// - a body that starts like JSON (`{` or `[`), complete or cut short, is scanned token by
///   token: the value of every personal key (see [`is_personal_key`]) is replaced by
///   `[masked]`, whatever its type, at any depth, and so is every string that contains `@`;
/// - any other body (an HTML error page, plain text) is quoted with every run of four or more
///   digits turned into `#`s and every word containing `@` masked, which covers card,
///   account, telephone and registration numbers and e-mail addresses;
///
/// and the result is cut to 200 characters.
pub(crate) fn excerpt(body: &[u8], secret: bool) -> String {
    if secret {
        return "[token response withheld]".to_owned();
    }
    if body.is_empty() {
        return "[empty body]".to_owned();
    }
    let cut = body.len() > EXCERPT_SCAN_BYTES;
    let head = &body[..body.len().min(EXCERPT_SCAN_BYTES)];
    // Before it is masked and cut: half a token is still too much of one.
    let text = scrub_tokens(&String::from_utf8_lossy(head));
    let masked = if text.trim_start().starts_with(['{', '[']) {
        mask_json(&text, cut)
    } else {
        mask_text(&text, cut)
    };
    let mut out: String = masked.chars().take(EXCERPT_CHARS).collect();
    if cut || out.len() < masked.len() {
        out.push('…');
    }
    out
}

/// A text of the server's (a quoted body, an envelope's message) without access tokens: a
/// server or gateway may echo the request's `Authorization` header in its error. The value
/// after every `Bearer` (up to a space, a quote or `,;<>`) and, anywhere in the text, the
/// token the current call sent, become `[masked]`.
///
/// One pass, linear in the length of the text whatever it holds; [`excerpt`] hands it only
/// the start of a body.
pub(crate) fn scrub_tokens(text: &str) -> String {
    let sent = CALL
        .try_with(|c| {
            let header = c.token.take();
            let token = header
                .as_ref()
                .and_then(|h| h.to_str().ok())
                .map(|h| h.trim_start_matches("Bearer ").trim().to_owned());
            c.token.set(header);
            token
        })
        .ok()
        .flatten()
        .filter(|t| !t.is_empty());
    let sent_len = sent.as_ref().map_or(0, String::len);
    // Where the sent token occurs, in order (found in one linear search).
    let mut sent_at = sent
        .as_deref()
        .into_iter()
        .flat_map(|token| text.match_indices(token).map(|(at, _)| at))
        .peekable();
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    // Everything before `copied` is in `out`; `at` is where the scan is.
    let (mut copied, mut at) = (0, 0);
    while at < bytes.len() {
        // Occurrences that start inside a value masked already.
        while sent_at.next_if(|&found| found < at).is_some() {}
        if sent_at.next_if_eq(&at).is_some() {
            out.push_str(&text[copied..at]);
            out.push_str(MASK);
            at += sent_len;
            copied = at;
            continue;
        }
        if !bytes[at..]
            .get(..6)
            .is_some_and(|w| w.eq_ignore_ascii_case(b"bearer"))
        {
            at += 1;
            continue;
        }
        // Six ASCII bytes: `start` is a character boundary.
        let start = at + "bearer".len();
        let rest = &text[start..];
        let gap = rest.len() - rest.trim_start().len();
        // The value is looked for only after a gap: `BearerBearer…` costs nothing more.
        let value = if gap == 0 {
            0
        } else {
            rest[gap..]
                .find(|c: char| {
                    c.is_whitespace() || matches!(c, '"' | '\'' | ',' | ';' | '<' | '>')
                })
                .unwrap_or(rest.len() - gap)
        };
        if value == 0 {
            at = start;
            continue;
        }
        out.push_str(&text[copied..start + gap]);
        out.push_str(MASK);
        at = start + gap + value;
        copied = at;
    }
    out.push_str(&text[copied..]);
    out
}

/// Keys whose values are personal data: the property names the spec marks `x-personal` or
/// `format: password`, in any component (generated from the spec, the one list of them).
fn is_personal_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    crate::generated::PERSONAL_KEYS
        .binary_search(&key.as_str())
        .is_ok()
}

/// A decoder's error without the values it quotes: serde says `invalid type: string "..."` or
/// ``integer `...` `` of the value that did not fit, which may be a buyer's telephone or a
/// token. The kind of value, what was expected and the position stay.
///
/// A string is quoted as Rust writes it (`Debug`), with `\"` and `\\` inside: an escaped quote
/// does not end it.
pub(crate) fn values_withheld(e: serde_json::Error) -> serde_json::Error {
    if e.classify() != serde_json::error::Category::Data {
        return e;
    }
    let text = e.to_string();
    let mut out = String::with_capacity(text.len());
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in text.chars() {
        match quote {
            Some(_) if escaped => escaped = false,
            Some('"') if c == '\\' => escaped = true,
            Some(q) if c == q => {
                out.push_str(MASK);
                out.push(c);
                quote = None;
            }
            Some(_) => {}
            None => {
                out.push(c);
                if c == '"' || c == '`' {
                    quote = Some(c);
                }
            }
        }
    }
    if quote.is_some() {
        out.push_str(MASK);
    }
    <serde_json::Error as serde::de::Error>::custom(out)
}

/// Masks a JSON text, complete or not, without parsing it into values: personal keys' values
/// and strings containing `@` are replaced; everything else is copied. When the text is the
/// start of a longer one (`cut`), a string or value it ends inside is replaced too.
fn mask_json(text: &str, cut: bool) -> String {
    let mut out = String::with_capacity(text.len().min(EXCERPT_CHARS * 4));
    let mut chars = text.char_indices().peekable();
    // While the value of a personal key is an object or array: its depth, all of it skipped.
    let mut masking_depth: Option<usize> = None;
    let mut depth = 0usize;
    // The last key seen, and whether the value that follows is to be masked.
    let mut pending_key: Option<String> = None;
    let mut mask_next = false;
    while let Some((_, c)) = chars.next() {
        // Enough for the excerpt, in any script.
        if out.len() > EXCERPT_CHARS * 4 {
            break;
        }
        match c {
            '"' => {
                let mut raw = String::new();
                let mut escaped = false;
                let mut closed = false;
                for (_, c) in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        closed = true;
                        break;
                    }
                    raw.push(c);
                }
                // A string followed by ':' is a key.
                let mut lookahead = chars.clone();
                while lookahead.peek().is_some_and(|(_, c)| c.is_whitespace()) {
                    lookahead.next();
                }
                let is_key = lookahead.peek().is_some_and(|(_, c)| *c == ':');
                if masking_depth.is_some() {
                    continue;
                }
                if is_key {
                    pending_key = Some(raw.clone());
                    out.push('"');
                    out.push_str(&raw);
                    out.push('"');
                } else if mask_next || raw.contains('@') || (cut && !closed) {
                    mask_next = false;
                    out.push('"');
                    out.push_str(MASK);
                    out.push('"');
                } else {
                    out.push('"');
                    out.push_str(&raw);
                    out.push('"');
                }
            }
            ':' => {
                if masking_depth.is_none() {
                    out.push(':');
                    mask_next = pending_key.take().is_some_and(|k| is_personal_key(&k));
                }
            }
            '{' | '[' => {
                depth += 1;
                if masking_depth.is_some() {
                    continue;
                }
                if mask_next {
                    mask_next = false;
                    masking_depth = Some(depth);
                    out.push('"');
                    out.push_str(MASK);
                    out.push('"');
                } else {
                    out.push(c);
                }
            }
            '}' | ']' => {
                if masking_depth == Some(depth) {
                    masking_depth = None;
                } else if masking_depth.is_none() {
                    out.push(c);
                }
                depth = depth.saturating_sub(1);
            }
            ',' => {
                if masking_depth.is_none() {
                    mask_next = false;
                    out.push(',');
                }
            }
            c if c.is_whitespace() => {
                if masking_depth.is_none() {
                    out.push(c);
                }
            }
            c => {
                // A bare value: a number, `true`, `false`, `null`, or garbage.
                if masking_depth.is_some() {
                    continue;
                }
                let mut word = String::from(c);
                while let Some(&(_, n)) = chars.peek() {
                    if matches!(n, ',' | '}' | ']' | '"' | ':') || n.is_whitespace() {
                        break;
                    }
                    word.push(n);
                    chars.next();
                }
                let ends_the_cut = cut && chars.peek().is_none();
                if (mask_next && word != "null") || word.contains('@') || ends_the_cut {
                    out.push_str(MASK);
                } else {
                    out.push_str(&word);
                }
                mask_next = false;
            }
        }
    }
    out
}

/// Masks a text that is not JSON: runs of four or more digits become `#`s, words with `@`
/// become `[masked]`. When the text is the start of a longer one (`cut`), so does the word it
/// ends inside.
fn mask_text(text: &str, cut: bool) -> String {
    let mut out = String::new();
    let mut words = text.split(' ').enumerate().peekable();
    while let Some((i, word)) = words.next() {
        if i > 0 {
            out.push(' ');
        }
        let ends_the_cut = cut && words.peek().is_none() && !word.is_empty();
        if word.contains('@') || ends_the_cut {
            out.push_str(MASK);
            continue;
        }
        let mut run = String::new();
        for c in word.chars() {
            if c.is_ascii_digit() {
                run.push(c);
                continue;
            }
            flush_digits(&mut out, &mut run);
            out.push(c);
        }
        flush_digits(&mut out, &mut run);
        if out.len() > EXCERPT_CHARS * 4 {
            break;
        }
    }
    out
}

fn flush_digits(out: &mut String, run: &mut String) {
    if run.len() >= 4 {
        out.extend(std::iter::repeat_n('#', run.len()));
    } else {
        out.push_str(run);
    }
    run.clear();
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::{
        call::{CALL, CallContext},
        envelope::refusal,
    };

    const LIVE: &str = "liveTokenQWERTYuiopASDFGhjkl0123";

    /// `f` run as part of a call that sent `LIVE`.
    fn with_live_token<R>(f: impl FnOnce() -> R) -> R {
        let context = CallContext::default();
        context
            .token
            .set(Some(reqwest::header::HeaderValue::from_static(
                "Bearer liveTokenQWERTYuiopASDFGhjkl0123",
            )));
        CALL.sync_scope(context, f)
    }

    /// A body of megabytes of `Bearer` (each one a value to look for, and to mask) is quoted
    /// from its start, scrubbed and short.
    #[test]
    fn a_body_of_megabytes_of_bearer_is_quoted_scrubbed_and_short() {
        const MB: usize = 1 << 20;
        let bodies = [
            format!("denied: Bearer {LIVE} {}", "Bearer ".repeat(4 * MB / 7)),
            format!("{}Bearer {LIVE}", "Bearer".repeat(4 * MB / 6)),
            format!(
                r#"{{"code":-1,"message":"{LIVE} {}","response":null}}"#,
                "BearerBearer ".repeat(4 * MB / 13)
            ),
        ];
        for body in bodies {
            let quoted = with_live_token(|| excerpt(body.as_bytes(), false));
            assert!(!quoted.contains(LIVE), "{quoted}");
            assert!(quoted.chars().count() <= EXCERPT_CHARS + 1, "{quoted}");
            assert!(quoted.ends_with('…'), "{quoted}");
        }
    }

    /// A message of megabytes (an envelope's message is kept whole) is scrubbed all along.
    #[test]
    fn a_message_of_megabytes_of_bearer_is_scrubbed_all_along() {
        const MB: usize = 1 << 20;
        for message in [
            format!("{}{LIVE} Bearer x9", "Bearer Bearer ".repeat(4 * MB / 14)),
            format!("{}Bearer x9 {LIVE}", "Bearer".repeat(4 * MB / 6)),
        ] {
            let refused = with_live_token(|| refusal(400, -1, Some(message), false));
            let message = refused.api_message().unwrap_or_default();
            assert!(!message.contains(LIVE), "the live token is left");
            assert!(!message.contains("x9"), "a bearer value is left");
            assert!(message.len() > MB, "the message is kept whole");
        }
    }

    #[test]
    fn scrubbing_masks_bearer_values_and_the_sent_token_only() {
        let cases = [
            (
                "authorization: Bearer abc.def, next",
                "authorization: Bearer [masked], next",
            ),
            ("BEARER\tabc", "BEARER\t[masked]"),
            ("Bearer", "Bearer"),
            ("Bearer ", "Bearer "),
            ("Bearer \"abc\"", "Bearer \"abc\""),
            ("BearerBearer abc", "BearerBearer [masked]"),
            ("Bearer Bearer Bearer", "Bearer [masked] Bearer"),
            (
                "Bearer Bearer Bearer Bearer",
                "Bearer [masked] Bearer [masked]",
            ),
            ("Bearer [masked]", "Bearer [masked]"),
            ("한글 Bearer 값 끝", "한글 Bearer [masked] 끝"),
        ];
        for (text, scrubbed) in cases {
            assert_eq!(scrub_tokens(text), scrubbed, "{text}");
        }
        let scrubbed = with_live_token(|| {
            scrub_tokens(&format!(
                "token {LIVE} is unknown; {LIVE}{LIVE}; Bearer {LIVE}x"
            ))
        });
        assert_eq!(
            scrubbed,
            "token [masked] is unknown; [masked][masked]; Bearer [masked]"
        );
    }

    /// `start`, a filler of `x`s, `end` and `tail`, the filler so long that only the first
    /// `into_tail` bytes of `tail` are read for an excerpt.
    fn cut_into(start: &str, end: &str, tail: &str, into_tail: usize) -> String {
        let fill = EXCERPT_SCAN_BYTES - start.len() - end.len() - into_tail;
        format!("{start}{}{end}{tail}", "x".repeat(fill))
    }

    /// Only the start of a body is read: a word, string or value it ends inside is masked
    /// whole, since what tells whether it is personal (an `@`, the rest of a token) may lie
    /// beyond.
    #[test]
    fn what_the_read_start_of_a_body_ends_inside_is_masked() {
        let token_tail = format!("{LIVE} and on");
        let json_token_tail = format!("{LIVE}\"}}]");
        let cases = [
            // A masked e-mail address, then a token cut short.
            (cut_into("a@", " ", &token_tail, 10), "[masked] [masked]…"),
            (
                cut_into(
                    r#"[{"custom_data":""#,
                    r#""},{"note":""#,
                    &json_token_tail,
                    10,
                ),
                r#"[{"custom_data":"[masked]"},{"note":"[masked]"…"#,
            ),
            // The `@` that makes it personal comes after the cut.
            (
                cut_into(
                    r#"[{"custom_data":""#,
                    r#""},{"note":""#,
                    r#"kim.minsu@example.com"}]"#,
                    6,
                ),
                r#"[{"custom_data":"[masked]"},{"note":"[masked]"…"#,
            ),
            (
                cut_into(r#"[{"custom_data":""#, r#""},{"n":"#, "01012345678@x}]", 6),
                r#"[{"custom_data":"[masked]"},{"n":[masked]…"#,
            ),
        ];
        for (body, quoted) in cases {
            let shown = with_live_token(|| excerpt(body.as_bytes(), false));
            assert_eq!(shown, quoted);
        }
    }

    /// A value quoted in the decoder's error is withheld whole, escaped quotes and all.
    #[test]
    fn a_quoted_value_with_escaped_quotes_is_withheld_whole() {
        for json in [
            r#""x\" 010-1234-5678 Kim Minsu""#,
            r#""\\\" 010-1234-5678 Kim Minsu \\""#,
            r#""010-1234-5678 Kim Minsu\\""#,
        ] {
            let e = serde_json::from_str::<u32>(json).unwrap_err();
            assert!(e.to_string().contains("Kim Minsu"), "{e}");
            let shown = values_withheld(e).to_string();
            assert!(!shown.contains("Kim") && !shown.contains("1234"), "{shown}");
            assert!(
                shown.starts_with("invalid type: string \"[masked]\", expected u32"),
                "{shown}"
            );
        }
    }
}
