//! What the request of a change was sent with, for [`Attempted`]: read from the request
//! itself, by the operation's own path template and body paths from the spec.

use serde_json::Value;

use crate::{Amount, Attempted, UnixTime};

/// What the request of a change was sent with: the ids in its own path parameters, by the
/// names the spec gives them (`{imp_uid}`, `{merchant_uid}`, `{customer_uid}`), and those in
/// its JSON body where the spec puts them for this operation (`BODY_IDS`: `imp_uid`,
/// `merchant_uid` and `customer_uid` at any depth, one or a list, and the `amount` at the
/// body's root). An id in the path comes first; the body's order ids count only when the path
/// names none.
pub(crate) fn attempted(operation: &'static str, request: &reqwest::Request) -> Attempted {
    let mut imp_uid = None;
    let mut customer_uid = None;
    let mut merchant_uids: Vec<String> = Vec::new();
    for (name, value) in path_parameters(operation, request.url()) {
        match name {
            "imp_uid" => imp_uid = Some(value),
            "merchant_uid" => merchant_uids.push(value),
            "customer_uid" => customer_uid = Some(value),
            _ => {}
        }
    }
    let orders_in_path = !merchant_uids.is_empty();
    let mut amount = None;
    let body: Option<Value> = request
        .body()
        .and_then(reqwest::Body::as_bytes)
        .and_then(|b| serde_json::from_slice(b).ok());
    for (name, found) in body.iter().flat_map(|b| body_ids(operation, b)) {
        let text = found.as_str().map(str::to_owned);
        match name {
            "imp_uid" => imp_uid = imp_uid.or(text),
            "customer_uid" => customer_uid = customer_uid.or(text),
            "merchant_uid" if !orders_in_path => merchant_uids.extend(text),
            "amount" => {
                amount = amount.or_else(|| serde_json::from_value::<Amount>(found.clone()).ok());
            }
            _ => {}
        }
    }
    Attempted {
        operation,
        imp_uid,
        merchant_uid: match merchant_uids.as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        },
        merchant_uids,
        customer_uid,
        amount,
        started_at: UnixTime::now(),
        accepted: false,
    }
}

/// The values in `body` at the key paths the spec gives for `operation`'s ids, with the id
/// each stands for, in the table's order and, along a list, the list's.
fn body_ids<'v>(operation: &str, body: &'v Value) -> Vec<(&'static str, &'v Value)> {
    let paths = crate::generated::BODY_IDS
        .iter()
        .find(|(id, _)| *id == operation)
        .map_or(&[][..], |(_, paths)| paths);
    let mut out = Vec::new();
    for (name, path) in paths {
        let mut at = vec![body];
        for key in *path {
            at = match *key {
                "*" => at.iter().filter_map(|v| v.as_array()).flatten().collect(),
                key => at.iter().filter_map(|v| v.get(key)).collect(),
            };
        }
        out.extend(at.into_iter().map(|v| (*name, v)));
    }
    out
}

/// The path parameters of a request of `operation`, by the names of its path template in the
/// spec, decoded. The template is matched against the last segments of the path, so a base
/// URL with a path of its own is no matter.
fn path_parameters(operation: &str, url: &reqwest::Url) -> Vec<(&'static str, String)> {
    let Some((_, template)) = crate::trace::route(operation) else {
        return Vec::new();
    };
    let wanted: Vec<&'static str> = template.trim_start_matches('/').split('/').collect();
    let sent: Vec<&str> = url
        .path_segments()
        .map(Iterator::collect)
        .unwrap_or_default();
    let Some(tail) = sent
        .len()
        .checked_sub(wanted.len())
        .map(|skip| &sent[skip..])
    else {
        return Vec::new();
    };
    wanted
        .iter()
        .zip(tail)
        .filter_map(|(w, s)| {
            let name = w.strip_prefix('{')?.strip_suffix('}')?;
            Some((name, decode_segment(s)))
        })
        .collect()
}

/// Decodes `%XX` escapes of a path segment; anything malformed is kept as it is.
fn decode_segment(seg: &str) -> String {
    let bytes = seg.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use serde_json::{Value, json};

    use super::attempted;
    use crate::Amount;

    /// What a lost request of `operation` to `url` with this JSON body names.
    fn sent(operation: &'static str, url: &str, body: &Value) -> crate::Attempted {
        let mut request = reqwest::Request::new(reqwest::Method::POST, url.parse().unwrap());
        *request.body_mut() = Some(serde_json::to_vec(body).unwrap().into());
        attempted(operation, &request)
    }

    const BASE: &str = "http://127.0.0.1:1";

    #[test]
    fn a_lost_schedule_names_the_order_id_of_every_entry_and_no_one_amount() {
        let entry = |order: &str, amount: i64| json!({"merchant_uid": order, "schedule_at": 1_800_000_000, "amount": amount});
        let body = json!({
            "customer_uid": "member-7-card-4",
            "schedules": [entry("sub-a", 9900), entry("sub-b", 9900), entry("sub-c", 4900)],
        });
        let a = sent("schedule_payments", BASE, &body);
        assert_eq!(a.merchant_uids, ["sub-a", "sub-b", "sub-c"]);
        assert_eq!(a.merchant_uid, None, "several orders: no single one");
        assert_eq!(a.customer_uid.as_deref(), Some("member-7-card-4"));
        assert_eq!(
            a.amount, None,
            "each entry's amount is one charge of several"
        );
    }

    #[test]
    fn a_lost_charge_names_its_billing_key_order_and_amount() {
        let body = json!({
            "customer_uid": "member-7-card-3",
            "merchant_uid": "order-7",
            "amount": 9900,
            "name": "Plan",
        });
        let a = sent("charge_billing_key", BASE, &body);
        assert_eq!(a.customer_uid.as_deref(), Some("member-7-card-3"));
        assert_eq!(a.merchant_uid.as_deref(), Some("order-7"));
        assert_eq!(a.merchant_uids, ["order-7"]);
        assert_eq!(a.amount, Some(Amount::from(9900)));
        assert_eq!(a.imp_uid, None);
    }

    /// Keys the spec does not give an operation's body are not read, even when sent: the
    /// ids come from where the spec says they are, not from guessing.
    #[test]
    fn keys_outside_an_operations_table_are_not_read() {
        let stray = json!({"schedule_at": 1_800_000_000, "imp_uid": "imp_1", "merchant_uid": "other", "amount": 5});
        let a = sent(
            "update_schedule",
            &format!("{BASE}/subscribe/payments/schedule/sub-1"),
            &stray,
        );
        assert_eq!(a.merchant_uids, ["sub-1"], "the path's order id only");
        assert_eq!((a.imp_uid, a.amount), (None, None));
        let a = sent("no_such_operation", BASE, &stray);
        assert_eq!(a.merchant_uids, Vec::<String>::new());
        assert_eq!((a.imp_uid, a.amount), (None, None));
    }

    /// Every path of the generated table is read: a body holding a value at just that path
    /// (two items at each `*`) gets it named.
    #[test]
    fn every_path_of_the_table_is_read() {
        fn place(path: &[&str], leaf: &Value) -> Value {
            match path {
                [] => leaf.clone(),
                ["*", rest @ ..] => json!([place(rest, leaf), place(rest, leaf)]),
                [key, rest @ ..] => json!({ *key: place(rest, leaf) }),
            }
        }
        let mut seen = 0;
        for (operation, paths) in crate::generated::BODY_IDS {
            for (name, path) in *paths {
                let leaf = if *name == "amount" {
                    json!(1234)
                } else {
                    json!("id-1")
                };
                let a = sent(operation, BASE, &place(path, &leaf));
                let each = path.iter().filter(|k| **k == "*").count();
                let id = Some("id-1".to_owned());
                let named = match *name {
                    "imp_uid" => a.imp_uid == id,
                    "customer_uid" => a.customer_uid == id,
                    "merchant_uid" => a.merchant_uids.len() == 1 << each,
                    "amount" => a.amount == Some(Amount::from(1234)),
                    other => panic!("{operation}: {other} is not an id Attempted carries"),
                };
                assert!(named, "{operation}: {name} at {path:?} not read: {a:?}");
                seen += 1;
            }
        }
        assert!(seen >= 15, "only {seen} paths in the table");
    }
}
