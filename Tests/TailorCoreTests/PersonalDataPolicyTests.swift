import Testing
import TailorCore

@Suite("Personal data policy")
struct PersonalDataPolicyTests {
    let policy = PersonalDataPolicy.default

    @Test("personal by name, however it is spelled", arguments: [
        "email", "Email", "E-mail", "e_mail", "EMAIL", "eMail", "email_address", "customer_email", "customerEmail", "billing.email",
        "phone", "phone_number", "phoneNumber", "mobile", "mobile_phone", "telephone", "full_name", "FullName", "first_name", "lastName",
        "surname", "name", "billing_name", "contactName", "postal_address", "shipping_address", "shippingAddress", "address_line1",
        "street", "birthday", "date_of_birth", "dob", "ip", "client_ip", "ip_address", "username", "ssn", "passport_number", "iban",
        "Kündén_Email", "adresse_email", "ÉmailAddress",
    ])
    func personalNames(name: String) {
        #expect(policy.isPersonal(name))
    }

    @Test("not personal", arguments: [
        "city", "country", "zip", "plan", "product_name", "productName", "company_name", "campaign_name", "shipping", "membership",
        "revenue", "tier", "mobile_app_version", "description", "tip", "loyalty", "age",
    ])
    func plainNames(name: String) {
        #expect(!policy.isPersonal(name))
    }

    @Test("an email address anywhere in a value makes the field personal")
    func emailShapedValues() {
        #expect(policy.isPersonal("contact", "ann@example.com"))
        #expect(policy.isPersonal("notes", ["people": ["a", ["who": "Bob.Smith+x@mail.example.org"]]]))
        #expect(!policy.isPersonal("handle", "@ann"))
        #expect(!policy.isPersonal("version", "1.2.3"))
        #expect(!policy.isPersonal("text", "write to us at the shop"))
        #expect(!policy.isPersonal("ratio", 0.5))
        let (plain, personal) = policy.split(["city": "Oslo", "Email": "a@b.io", "ref": "c@d.co", "plan": "gold", "shipping_address": "1 Main St"])
        #expect(Set(plain.keys) == ["city", "plan"])
        #expect(Set(personal.keys) == ["Email", "ref", "shipping_address"])
    }

    @Test("the list can be extended, normalized like the rest")
    func extended() {
        let extended = policy.adding(["Loyalty-Card", "vat_number"])
        #expect(extended.isPersonal("loyalty_card"))
        #expect(extended.isPersonal("VatNumber"))
        #expect(!policy.isPersonal("loyalty_card"))
    }

    @Test("segments cannot query personal traits or properties, in any spelling")
    func segmentsRefusePersonalFields() throws {
        for text in [#"traits.Email exists"#, #"traits.eMail exists"#, #"traits.customer_email = "x""#,
                     #"count("Order Completed" where shipping_address = "x") > 0"#] {
            let condition = try Condition(text: text)
            #expect(throws: SegmentDefinitionError.self, "\(text)") { try SegmentCatalog.validate(condition) }
        }
        try SegmentCatalog.validate(try Condition(text: #"traits.city = "Oslo""#))
        #expect(throws: SegmentDefinitionError("a condition must not contain the NUL character (U+0000)")) {
            try SegmentCatalog.validate(try Condition(text: #"count("a\u0000b") > 0"#))
        }
    }
}
