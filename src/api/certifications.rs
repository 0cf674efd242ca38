//! Identity verification: the result of a phone or card check of a person, read (and
//! deleted) from the server, and a check by a code sent to the person's phone.
//!
//! Everything a verification says of the person is personal data: its `Debug` shows those
//! fields redacted, and no error or log line repeats them.

use crate::{
    Client, Date, Result, Secret,
    types::{
        Certification, CertificationOtp, CertificationOtpConfirmRequest, CertificationOtpRequest,
    },
};

impl Client {
    /// The identity verification `imp_uid` (`GET /certifications/{imp_uid}`).
    ///
    /// A verification the person did not finish comes back too, not as an error: read
    /// [`Certification::is_certified`] first. Its birth date and age counts are `None` then.
    ///
    /// ```no_run
    /// use iamport::Date;
    /// # async fn run(client: iamport::Client) -> iamport::Result<()> {
    /// let person = client.certification("imp_513300072244").await?;
    /// let today = Date::today_in_korea();
    /// match person.age_on(today) {
    ///     Some(age) if age >= 19 => println!("an adult"),
    ///     Some(_) => println!("a minor"),
    ///     None => println!("not verified"),
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::NotFound`](crate::Error::NotFound) for an unknown id (or one whose data was
    /// deleted).
    pub async fn certification(&self, imp_uid: &str) -> Result<Certification> {
        self.call(|| self.api.get_certification(imp_uid)).await
    }

    /// Deletes the personal data i'mport keeps of a verification
    /// (`DELETE /certifications/{imp_uid}`) and returns the verification as it was.
    ///
    /// Never sent twice: on [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown) look it
    /// up ([`Client::certification`]); [`Error::NotFound`](crate::Error::NotFound) then means
    /// it is deleted.
    pub async fn delete_certification(&self, imp_uid: &str) -> Result<Certification> {
        self.call(|| self.api.delete_certification(imp_uid)).await
    }

    /// Starts a verification by text message (`POST /certifications/otp/request`; Danal and
    /// KCP's newer module): the PG sends a one-time code to the person's phone. Confirm it
    /// with [`Client::confirm_certification_otp`] and the returned id.
    ///
    /// The request's fields are personal data and the resident-number digit is a
    /// [`Secret`]: none of them appears in `Debug` or errors.
    ///
    /// ```no_run
    /// use iamport::OtpCarrier;
    /// use iamport::types::CertificationOtpRequest;
    /// # async fn run(client: iamport::Client) -> iamport::Result<()> {
    /// let request = CertificationOtpRequest::new("박서연", "010-7777-0000", "900101", "2", OtpCarrier::Kt, "channel-key-7d2e91c4");
    /// let started = client.request_certification_otp(request).await?;
    /// // ... the person types in the code they received ...
    /// let person = client.confirm_certification_otp(&started.imp_uid, "482913").await?;
    /// assert!(person.is_certified());
    /// # Ok(()) }
    /// ```
    ///
    /// Not sent twice: on [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown) the person
    /// may have received a code already; start again with a new request once they say they
    /// did not.
    ///
    /// # Errors
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) (nothing is sent) for data not in
    /// the API's form; [`Error::Api`](crate::Error::Api) (400) for data the PG cannot use.
    pub async fn request_certification_otp(
        &self,
        request: CertificationOtpRequest,
    ) -> Result<CertificationOtp> {
        self.call(|| self.api.request_certification_otp(&request))
            .await
    }

    /// Finishes a verification started by text message with the code the person received
    /// (`POST /certifications/otp/confirm/{imp_uid}`) and returns it.
    ///
    /// # Errors
    /// [`Error::Api`](crate::Error::Api) (400) for a wrong or expired code, or a verification
    /// confirmed before; [`Error::NotFound`](crate::Error::NotFound) for an unknown id;
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) for a code that is not digits.
    pub async fn confirm_certification_otp(
        &self,
        imp_uid: &str,
        otp: impl Into<Secret>,
    ) -> Result<Certification> {
        let request = CertificationOtpConfirmRequest::new(otp.into());
        self.call(|| self.api.confirm_certification_otp(imp_uid, &request))
            .await
    }
}

impl Certification {
    /// Whether the person was verified. A verification started but not finished is not, and
    /// says nothing of anyone.
    pub fn is_certified(&self) -> bool {
        self.certified == Some(true)
    }

    /// The verified person's birth date: `None` unless [`is_certified`](Self::is_certified).
    ///
    /// Read from `birthday` (`YYYY-MM-DD`), or else from `birth`, the UNIX time of the
    /// birthday's midnight in Korea, taken to the nearest midnight (the clocks of 1987 and
    /// 1988 ran an hour ahead in summer).
    pub fn birth_date(&self) -> Option<Date> {
        if !self.is_certified() {
            return None;
        }
        let from_text = self.birthday.as_deref().and_then(|b| b.parse().ok());
        from_text.or_else(|| {
            let midnight = self.birth?.checked_add(9 * 3600 + 12 * 3600)?;
            Date::from_days(midnight.div_euclid(86_400))
        })
    }

    /// The verified person's age in full years on `on` (`만 나이`, the count of Korean law
    /// since June 2023: one year more on each birthday; a 29 February birthday turns on
    /// 1 March in other years). `None` unless verified with a birth date, or when `on` is
    /// before it.
    ///
    /// ```
    /// use iamport::{Certification, Date};
    ///
    /// # fn person(born: &str) -> Certification {
    /// #     serde_json::from_value(serde_json::json!({"imp_uid": "imp_1", "pg_provider": "danal",
    /// #         "foreigner": false, "certified": true, "birthday": born})).unwrap()
    /// # }
    /// let person = person("2007-12-06");
    /// assert_eq!(person.age_on(Date::new(2026, 12, 5).unwrap()), Some(18));
    /// assert_eq!(person.age_on(Date::new(2026, 12, 6).unwrap()), Some(19));
    /// ```
    pub fn age_on(&self, on: Date) -> Option<u32> {
        self.birth_date()?.age_on(on)
    }

    /// The verified person's age on `on` counted by the calendar year alone (`연 나이`): the
    /// count of the Youth Protection Act, under which a person is treated as 19 from 1 January
    /// of the year of their 19th birthday. `None` unless verified with a birth date, or when
    /// `on` is before it.
    pub fn age_by_year_on(&self, on: Date) -> Option<u32> {
        self.birth_date()?.age_by_year_on(on)
    }

    /// Whether the Youth Protection Act treats the verified person as a youth on `on` (under
    /// 19 by the year count, [`age_by_year_on`](Self::age_by_year_on)). `None` unless verified
    /// with a birth date: an unverified person is not known to be an adult.
    pub fn is_youth_on(&self, on: Date) -> Option<bool> {
        self.age_by_year_on(on).map(|age| age < 19)
    }
}
