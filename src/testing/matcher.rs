//! The request a stub answers: method, path, every query parameter and the JSON body, as the
//! SDK sends them for the arguments of one call.

use crate::quirks::encode_path;
use serde_json::Value;

/// One request, as a stub matches it. A request matches when its method and path are these,
/// its query holds exactly these parameters (in any order), and its JSON body equals this one
/// (keys absent here must be absent there).
///
/// Public only inside the crate's private `testing::expect` module, so that the sealed
/// [`Listing`](super::Listing) trait can name it.
#[derive(Clone)]
pub struct RequestMatcher {
    pub(crate) method: String,
    pub(crate) path: String,
    /// Parameters the request must carry, each once per pair.
    query: Vec<(String, String)>,
    /// Parameters the request may leave out: when present, with this value (`None`: any).
    optional: Vec<(String, Option<String>)>,
    /// Whether parameters other than these are allowed.
    any_query: bool,
    pub(crate) body: Option<Value>,
}

/// Shows the body as error messages quote one: card data and personal values masked (a stub's
/// body is the request the code under test sends, card number and all).
impl std::fmt::Debug for RequestMatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let body = self
            .body
            .as_ref()
            .map(|b| crate::redact::excerpt(b.to_string().as_bytes(), false));
        f.debug_struct("RequestMatcher")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("optional", &self.optional)
            .field("any_query", &self.any_query)
            .field("body", &body)
            .finish()
    }
}

impl RequestMatcher {
    /// A request to `path` (already encoded) with no query and no body.
    pub(crate) fn new(method: &str, path: String) -> RequestMatcher {
        RequestMatcher {
            method: method.to_owned(),
            path,
            query: Vec::new(),
            optional: Vec::new(),
            any_query: false,
            body: None,
        }
    }

    /// A request to `prefix` followed by the encoded `id` and `suffix`.
    pub(crate) fn id(method: &str, prefix: &str, id: &str, suffix: &str) -> RequestMatcher {
        RequestMatcher::new(
            method,
            format!("{prefix}{}{suffix}", encode_path(id.to_owned())),
        )
    }

    /// The value of a parameter the request must carry, if it must carry it once.
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        let mut values = self.query.iter().filter(|(k, _)| k == name);
        match (values.next(), values.next()) {
            (Some((_, v)), None) => Some(v),
            _ => None,
        }
    }

    /// With this parameter, when it is set.
    pub(crate) fn query(mut self, name: &str, value: Option<impl ToString>) -> RequestMatcher {
        if let Some(v) = value {
            self.query.push((name.to_owned(), v.to_string()));
        }
        self
    }

    /// With exactly these query pairs and this JSON body, as a request carried them.
    pub(crate) fn sent(
        mut self,
        query: Vec<(String, String)>,
        body: Option<Value>,
    ) -> RequestMatcher {
        self.query = query;
        self.body = body;
        self
    }

    /// Without any constraint on the query or the body: any request to the path.
    pub(crate) fn loose(mut self) -> RequestMatcher {
        self.query.clear();
        self.optional.clear();
        self.any_query = true;
        self.body = None;
        self
    }

    /// Page `page` of a listing: page 1 is also the request that leaves `page` out, which the
    /// server answers the same.
    pub(crate) fn page(mut self, page: u32) -> RequestMatcher {
        self.query.retain(|(k, _)| k != "page");
        self.optional.retain(|(k, _)| k != "page");
        if page == 1 {
            self.optional
                .push(("page".to_owned(), Some("1".to_owned())));
        } else {
            self.query.push(("page".to_owned(), page.to_string()));
        }
        self
    }

    /// `name` may be left out or have any value (a window end a stream pins to "now").
    pub(crate) fn any(mut self, name: &str) -> RequestMatcher {
        self.query.retain(|(k, _)| k != name);
        self.optional.push((name.to_owned(), None));
        self
    }

    /// Whether a request's decoded query pairs are exactly the ones expected.
    pub(crate) fn query_matches(&self, actual: &[(String, String)]) -> bool {
        if self.any_query {
            return true;
        }
        let mut rest: Vec<&(String, String)> = actual.iter().collect();
        for want in &self.query {
            match rest.iter().position(|got| *got == want) {
                Some(i) => {
                    rest.swap_remove(i);
                }
                None => return false,
            }
        }
        let mut seen: Vec<&str> = Vec::new();
        rest.iter().all(|(k, v)| {
            let allowed = self
                .optional
                .iter()
                .any(|(name, value)| name == k && value.as_ref().is_none_or(|want| want == v));
            let first = !seen.contains(&k.as_str());
            seen.push(k);
            allowed && first
        })
    }
}

#[cfg(test)]
mod tests {
    use super::RequestMatcher;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_query_must_hold_exactly_the_expected_parameters() {
        let e = RequestMatcher::new("GET", "/p".into())
            .query("limit", Some(2))
            .query("to", None::<u32>)
            .query("id[]", Some("a"))
            .query("id[]", Some("b"));
        assert!(e.query_matches(&pairs(&[("id[]", "b"), ("limit", "2"), ("id[]", "a")])));
        assert!(!e.query_matches(&pairs(&[("id[]", "b"), ("limit", "2")])));
        assert!(!e.query_matches(&pairs(&[("id[]", "a"), ("id[]", "b"), ("limit", "3")])));
        let extra = pairs(&[("id[]", "a"), ("id[]", "b"), ("limit", "2"), ("to", "9")]);
        assert!(!e.query_matches(&extra));
        assert!(e.clone().loose().query_matches(&extra));
    }

    #[test]
    fn page_one_may_be_left_out_and_a_free_parameter_takes_any_value_once() {
        let e = RequestMatcher::new("GET", "/p".into())
            .query("page", Some(3))
            .page(1)
            .any("to");
        assert!(e.query_matches(&[]));
        assert!(e.query_matches(&pairs(&[("page", "1"), ("to", "17")])));
        assert!(!e.query_matches(&pairs(&[("page", "3")])));
        assert!(!e.query_matches(&pairs(&[("to", "1"), ("to", "2")])));
        let two = RequestMatcher::new("GET", "/p".into()).page(2);
        assert!(two.query_matches(&pairs(&[("page", "2")])));
        assert!(!two.query_matches(&[]));
    }

    #[test]
    fn debug_masks_card_data_and_personal_values_in_the_body() {
        let card = crate::types::BillingKeyRequest::new("4242-4242-4242-4242", "2029-12")
            .birth("900101")
            .customer_tel("010-5555-0123");
        let body = serde_json::to_value(&card).ok();
        let expect = super::RequestMatcher::new("POST", "/subscribe/customers/k".to_owned())
            .sent(vec![], body);
        let shown = format!("{expect:?}");
        for hidden in ["4242-4242", "2029-12", "900101", "010-5555-0123"] {
            assert!(!shown.contains(hidden), "{hidden} in {shown}");
        }
        assert!(shown.contains("/subscribe/customers/k"), "{shown}");
        assert!(shown.contains("card_number"), "{shown}");
    }
}
