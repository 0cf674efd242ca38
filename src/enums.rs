//! Open enums for values the server owns.
//!
//! Each enum lists the values known today and keeps any other value in `Unknown`, so a value the
//! server adds tomorrow never fails the decoding of a whole payment. Every enum has `as_str`,
//! `Display`, an infallible `FromStr`, and serde that writes back exactly the string it read.

macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version of the crate does not know, kept as the server sent it.
            Unknown(String),
        }

        impl $name {
            /// Every value this version of the crate knows, in the order of the spec.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The value as it is written on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )+
                    $name::Unknown(s) => s.as_str(),
                }
            }

            /// Whether this is a value the crate does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, $name::Unknown(_))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(match s {
                    $( $wire => $name::$variant, )+
                    other => $name::Unknown(other.to_owned()),
                })
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s.parse() {
                    Ok(v) => v,
                    Err(never) => match never {},
                }
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str>>::deserialize(d)?;
                Ok($name::from(s.as_ref()))
            }
        }

        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                ::schemars::json_schema!({
                    "type": "string",
                    "enum": [$($wire),+]
                })
            }
        }
    };
}

open_enum! {
    /// The state of a payment.
    ///
    /// A partial cancellation leaves a payment `Paid`; only a full one makes it `Cancelled`.
    PaymentStatus {
        /// Requested but not paid; a virtual account waiting for its deposit.
        Ready = "ready",
        /// Paid (possibly partly cancelled).
        Paid = "paid",
        /// Cancelled in full.
        Cancelled = "cancelled",
        /// The payment attempt failed.
        Failed = "failed",
    }
}

open_enum! {
    /// A status to list payments by: one [`PaymentStatus`] or all of them.
    ///
    /// Every `PaymentStatus` converts into it, so listing methods take either.
    PaymentStatusFilter {
        /// Payments in every status.
        All = "all",
        /// [`PaymentStatus::Ready`].
        Ready = "ready",
        /// [`PaymentStatus::Paid`].
        Paid = "paid",
        /// [`PaymentStatus::Cancelled`].
        Cancelled = "cancelled",
        /// [`PaymentStatus::Failed`].
        Failed = "failed",
    }
}

impl From<PaymentStatus> for PaymentStatusFilter {
    fn from(s: PaymentStatus) -> Self {
        PaymentStatusFilter::from(s.as_str())
    }
}

open_enum! {
    /// The order of listed payments.
    Sorting {
        /// Newest request first (the server's default).
        StartedDesc = "-started",
        /// Oldest request first.
        StartedAsc = "started",
        /// Most recently paid first.
        PaidDesc = "-paid",
        /// Earliest paid first.
        PaidAsc = "paid",
        /// Most recently changed first.
        UpdatedDesc = "-updated",
        /// Least recently changed first.
        UpdatedAsc = "updated",
    }
}

open_enum! {
    /// The means of payment.
    PayMethod {
        /// Credit or check card.
        Card = "card",
        /// Real-time bank transfer.
        Trans = "trans",
        /// Virtual account (deposit later).
        Vbank = "vbank",
        /// Mobile phone billing.
        Phone = "phone",
        /// Samsung Pay.
        Samsung = "samsung",
        /// KPay.
        Kpay = "kpay",
        /// Kakao Pay.
        Kakaopay = "kakaopay",
        /// PAYCO.
        Payco = "payco",
        /// L.pay.
        Lpay = "lpay",
        /// SSGPAY.
        Ssgpay = "ssgpay",
        /// Toss.
        Tosspay = "tosspay",
        /// Cultureland gift card.
        Cultureland = "cultureland",
        /// Smart culture gift card.
        Smartculture = "smartculture",
        /// Happy Money gift card.
        Happymoney = "happymoney",
        /// Book and life gift card.
        Booknlife = "booknlife",
        /// PG or card points.
        Point = "point",
        /// WeChat Pay.
        Wechat = "wechat",
        /// Alipay.
        Alipay = "alipay",
        /// UnionPay.
        Unionpay = "unionpay",
        /// Tenpay.
        Tenpay = "tenpay",
        /// Naver Pay.
        Naverpay = "naverpay",
        /// Apple Pay.
        Applepay = "applepay",
        /// PayPal.
        Paypal = "paypal",
    }
}

open_enum! {
    /// Where a payment was requested.
    Channel {
        /// A desktop browser.
        Pc = "pc",
        /// A mobile browser or app.
        Mobile = "mobile",
        /// A server-side call (billing keys and other non-interactive payments).
        Api = "api",
    }
}

open_enum! {
    /// The currency of a payment (ISO 4217).
    Currency {
        /// Korean won.
        Krw = "KRW",
        /// US dollar.
        Usd = "USD",
        /// Euro.
        Eur = "EUR",
        /// Japanese yen.
        Jpy = "JPY",
        /// Chinese yuan.
        Cny = "CNY",
        /// Vietnamese dong.
        Vnd = "VND",
        /// Thai baht.
        Thb = "THB",
        /// Singapore dollar.
        Sgd = "SGD",
        /// Australian dollar.
        Aud = "AUD",
        /// Hong Kong dollar.
        Hkd = "HKD",
        /// New Taiwan dollar.
        Twd = "TWD",
        /// Philippine peso.
        Php = "PHP",
        /// Malaysian ringgit.
        Myr = "MYR",
        /// Indonesian rupiah.
        Idr = "IDR",
        /// Pound sterling.
        Gbp = "GBP",
        /// Canadian dollar.
        Cad = "CAD",
    }
}

open_enum! {
    /// Who a cash receipt is for.
    ReceiptType {
        /// A person (income deduction).
        Person = "person",
        /// A company (expense proof).
        Company = "company",
    }
}

open_enum! {
    /// What a cash receipt identifier is.
    IdentifierType {
        /// A resident registration number.
        Person = "person",
        /// A business registration number.
        Business = "business",
        /// A mobile phone number.
        Phone = "phone",
        /// A cash receipt card number.
        Taxcard = "taxcard",
    }
}

open_enum! {
    /// The kind of goods on a cash receipt.
    ProductType {
        /// Physical goods.
        Real = "real",
        /// Digital goods.
        Digital = "digital",
    }
}

open_enum! {
    /// Who asked for a cancellation.
    CancelRequester {
        /// The buyer.
        Customer = "customer",
        /// The merchant.
        Admin = "admin",
    }
}

open_enum! {
    /// How an external cash payment was received.
    ExternalPayMethod {
        /// A bank transfer.
        Trans = "trans",
        /// A virtual account deposit.
        Vbank = "vbank",
    }
}

open_enum! {
    /// The state of a scheduled payment.
    ///
    /// An executed schedule may still have failed: read its `payment_status`.
    ScheduleStatus {
        /// Waiting for its time.
        Scheduled = "scheduled",
        /// Its charge was attempted; the schedule's `payment_status` says how it went.
        Executed = "executed",
        /// Revoked before it ran.
        Revoked = "revoked",
    }
}

open_enum! {
    /// The order of listed schedules, besides the server's default of latest first.
    ScheduleSorting {
        /// Earliest `schedule_at` first.
        ScheduledAsc = "scheduled",
    }
}

open_enum! {
    /// Who the cash receipt of a charge is for, where the PG issues one with it.
    CashReceiptType {
        /// A person (income deduction).
        Person = "person",
        /// A company (expense proof).
        Company = "company",
        /// No one in particular: a receipt issued to the tax office's anonymous number.
        Anonymous = "anonymous",
    }
}
