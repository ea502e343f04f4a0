// MARK: - Rendering a Message to MIME bytes

extension Message {
    /// Header names the renderer writes itself; custom ``headers`` may not use them.
    static let reservedHeaderNames: Set<String> = [
        "date", "from", "to", "cc", "bcc", "reply-to", "subject", "message-id", "mime-version", "content-type",
        "content-transfer-encoding", "list-unsubscribe", "list-unsubscribe-post", "dkim-signature",
    ]

    /// Renders the message to RFC 5322 / MIME bytes.
    /// - Returns: the header section and the body, CRLF line endings, no line longer than 998 octets.
    /// - Throws: ``MailError`` (``MailError/Code/invalidMessage``, ``MailError/Code/invalidHeader``) when
    ///   the message has no body or no recipient, or a content type, content id, URL or header name is
    ///   unsafe to write.
    public func render() throws -> RenderedMessage {
        var generator = SystemRandomNumberGenerator()
        return try render(using: &generator)
    }

    /// Renders the message, drawing MIME boundaries from `generator` (for reproducible output in tests).
    public func render(using generator: inout some RandomNumberGenerator) throws -> RenderedMessage {
        guard text != nil || html != nil else {
            throw MailError(.invalidMessage, severity: .permanent, "a message needs a text or an HTML body")
        }
        guard !recipients.isEmpty else {
            throw MailError(.invalidMessage, severity: .permanent, "a message needs at least one recipient")
        }
        try MIMEToken.validateMessageID(messageID)
        if let returnPath, !returnPath.isEmpty { try MailAddress.validate(returnPath) }

        var header: [UInt8] = []
        header.reserveCapacity(1024)
        appendField("Date", MailDate.format(date), into: &header)
        HeaderWriter.appendAddressList(name: "From", [from], into: &header)
        if let replyTo { HeaderWriter.appendAddressList(name: "Reply-To", [replyTo], into: &header) }
        if !to.isEmpty {
            HeaderWriter.appendAddressList(name: "To", to, into: &header)
        } else {
            appendField("To", "undisclosed-recipients:;", into: &header)
        }
        if !cc.isEmpty { HeaderWriter.appendAddressList(name: "Cc", cc, into: &header) }
        HeaderWriter.appendUnstructured(name: "Subject", value: subject, into: &header)
        appendField("Message-ID", "<\(messageID)>", into: &header)
        if let listUnsubscribe { try appendListUnsubscribe(listUnsubscribe, into: &header) }
        for field in headers {
            guard HeaderWriter.isValidFieldName(field.name) else {
                throw MailError(.invalidHeader, severity: .permanent, "custom header name is not printable ASCII without a colon")
            }
            guard !Message.reservedHeaderNames.contains(field.name.lowercased()) else {
                throw MailError(.invalidHeader, severity: .permanent, "custom header \(field.name) is written by the renderer")
            }
            HeaderWriter.appendUnstructured(name: field.name, value: field.value, into: &header)
        }
        appendField("MIME-Version", "1.0", into: &header)

        var body: [UInt8] = []
        // Quoted-printable HTML grows by about a sixth ("=" as "=3D", soft breaks): reserve enough not to regrow.
        body.reserveCapacity(((text?.utf8.count ?? 0) + (html?.utf8.count ?? 0)) * 5 / 4 + 1024)
        let root = try makeRootPart(using: &generator)
        root.write(header: &header, body: &body)
        if body.count < 2 || !(body[body.count - 2] == 0x0D && body[body.count - 1] == 0x0A) {
            body.append(contentsOf: crlf)
        }
        return RenderedMessage(header: header, body: body)
    }

    private func appendField(_ name: String, _ value: String, into out: inout [UInt8]) {
        out.append(contentsOf: name.utf8)
        out.append(contentsOf: ": ".utf8)
        out.append(contentsOf: value.utf8)
        out.append(contentsOf: crlf)
    }

    private func appendListUnsubscribe(_ list: ListUnsubscribe, into out: inout [UInt8]) throws {
        var entries: [String] = []
        if let url = list.url {
            try MIMEToken.validateURL(url)
            entries.append("<\(url)>")
        }
        if let mailto = list.mailto {
            try MIMEToken.validateURL(mailto)
            entries.append(mailto.lowercased().hasPrefix("mailto:") ? "<\(mailto)>" : "<mailto:\(mailto)>")
        }
        guard !entries.isEmpty else { return }
        HeaderWriter.appendStructured(name: "List-Unsubscribe", parts: entries, separator: ",", into: &out)
        if list.oneClick && list.url != nil {
            appendField("List-Unsubscribe-Post", "List-Unsubscribe=One-Click", into: &out)
        }
    }

    private func makeRootPart(using generator: inout some RandomNumberGenerator) throws -> MIMEPart {
        var bodyParts: [MIMEPart] = []
        // Every message has a plain-text part: without one of its own, the HTML's text.
        if let text = text ?? html.map({ HTMLText.plainText(fromHTML: $0) }) {
            bodyParts.append(.text(text, subtype: "plain", encoding: textEncoding))
        }
        if let html {
            bodyParts.append(.text(html, subtype: "html", encoding: textEncoding))
        }
        var root =
            bodyParts.count == 1
            ? bodyParts[0] : .multipart(subtype: "alternative", boundary: MIMEPart.boundary(using: &generator), parts: bodyParts)
        if !inlineImages.isEmpty {
            var parts = [root]
            for image in inlineImages {
                try MIMEToken.validateContentType(image.contentType)
                try MIMEToken.validateContentID(image.contentID)
                parts.append(
                    .binary(
                        image.data, contentType: image.contentType, disposition: "inline", filename: image.filename,
                        contentID: image.contentID
                    )
                )
            }
            root = .multipart(subtype: "related", boundary: MIMEPart.boundary(using: &generator), parts: parts)
        }
        if !attachments.isEmpty {
            var parts = [root]
            for attachment in attachments {
                try MIMEToken.validateContentType(attachment.contentType)
                parts.append(
                    .binary(
                        attachment.data, contentType: attachment.contentType, disposition: "attachment",
                        filename: attachment.filename, contentID: nil
                    )
                )
            }
            root = .multipart(subtype: "mixed", boundary: MIMEPart.boundary(using: &generator), parts: parts)
        }
        return root
    }
}

// MARK: - MIME parts

/// A node of the MIME tree, written straight into the output buffers.
indirect enum MIMEPart {
    case text(String, subtype: String, encoding: TransferEncoding)
    case binary([UInt8], contentType: String, disposition: String, filename: String?, contentID: String?)
    case multipart(subtype: String, boundary: String, parts: [MIMEPart])

    /// A boundary that cannot occur in quoted-printable or base64 output ("=_" is never produced by
    /// either) and is random enough not to occur in 7bit text.
    static func boundary(using generator: inout some RandomNumberGenerator) -> String {
        "=_tailor_" + hex(generator.next()) + hex(generator.next())
    }

    /// Writes this part's content header fields into `header` and its content into `body`.
    func write(header: inout [UInt8], body: inout [UInt8]) {
        switch self {
        case .text(let string, let subtype, let requested):
            var string = string
            let encoding = MIMEPart.effectiveEncoding(requested, for: &string)
            MIMEPart.appendTextHeader(subtype: subtype, encoding: encoding, into: &header)
            MIMEPart.appendText(&string, encoding: encoding, into: &body)
        case .binary(let data, let contentType, let disposition, let filename, let contentID):
            header.append(contentsOf: "Content-Type: \(contentType)".utf8)
            if let filename { header.append(contentsOf: ";\r\n name=\(MIMEPart.parameterValue(filename))".utf8) }
            header.append(contentsOf: "\r\nContent-Transfer-Encoding: base64\r\n".utf8)
            header.append(contentsOf: "Content-Disposition: \(disposition)".utf8)
            if let filename { header.append(contentsOf: ";\r\n \(MIMEPart.filenameParameter(filename))".utf8) }
            header.append(contentsOf: crlf)
            if let contentID { header.append(contentsOf: "Content-ID: <\(contentID)>\r\n".utf8) }
            data.withUnsafeBufferPointer { Base64.encode($0, lineLength: 76, into: &body) }
        case .multipart(let subtype, let boundary, let parts):
            header.append(contentsOf: "Content-Type: multipart/\(subtype);\r\n boundary=\"\(boundary)\"\r\n".utf8)
            for part in parts {
                body.append(contentsOf: "--".utf8)
                body.append(contentsOf: boundary.utf8)
                body.append(contentsOf: crlf)
                part.writeNested(into: &body)
            }
            body.append(contentsOf: "--".utf8)
            body.append(contentsOf: boundary.utf8)
            body.append(contentsOf: "--\r\n".utf8)
        }
    }

    private static func appendTextHeader(subtype: String, encoding: TransferEncoding, into header: inout [UInt8]) {
        header.append(contentsOf: "Content-Type: text/\(subtype); charset=utf-8\r\n".utf8)
        header.append(contentsOf: "Content-Transfer-Encoding: \(encoding.rawValue)\r\n".utf8)
    }

    private static func appendText(_ string: inout String, encoding: TransferEncoding, into body: inout [UInt8]) {
        string.withUTF8 { bytes in
            switch encoding {
            case .quotedPrintable:
                QuotedPrintable.encode(bytes, into: &body)
            case .base64:
                Base64.encode(bytes, lineLength: 76, into: &body)
            case .sevenBit:
                body.append(contentsOf: RenderedMessage.normalizingLineEndings(Array(bytes)))
            }
        }
    }

    /// Writes a nested part: its header fields, an empty line, its content.
    private func writeNested(into body: inout [UInt8]) {
        if case .text(let string, let subtype, let requested) = self {
            // A text part's header does not depend on its content: both go straight into `body`,
            // not through a 30 KB intermediate buffer.
            var string = string
            let encoding = MIMEPart.effectiveEncoding(requested, for: &string)
            MIMEPart.appendTextHeader(subtype: subtype, encoding: encoding, into: &body)
            body.append(contentsOf: crlf)
            MIMEPart.appendText(&string, encoding: encoding, into: &body)
            body.append(contentsOf: crlf)
            return
        }
        var partHeader: [UInt8] = []
        var partBody: [UInt8] = []
        write(header: &partHeader, body: &partBody)
        body.append(contentsOf: partHeader)
        body.append(contentsOf: crlf)
        body.append(contentsOf: partBody)
        // The CRLF before the next boundary belongs to the delimiter (RFC 2046 §5.1.1), not the content.
        body.append(contentsOf: crlf)
    }

    /// 7bit is only kept when the text really is short-lined ASCII; otherwise quoted-printable.
    private static func effectiveEncoding(_ requested: TransferEncoding, for string: inout String) -> TransferEncoding {
        guard requested == .sevenBit else { return requested }
        var lineLength = 0
        for byte in string.utf8 {
            if byte >= 0x80 || byte == 0 { return .quotedPrintable }
            if byte == 0x0A || byte == 0x0D {
                lineLength = 0
            } else {
                lineLength += 1
                if lineLength > 998 { return .quotedPrintable }
            }
        }
        return .sevenBit
    }

    /// A quoted parameter value; non-ASCII names fall back to an encoded-word (what most clients read
    /// in `name=`).
    static func parameterValue(_ value: String) -> String {
        if value.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C }) {
            return "\"\(value)\""
        }
        var out: [UInt8] = []
        Base64.encode(Array(value.utf8), into: &out)
        return "\"=?UTF-8?B?\(String(decoding: out, as: UTF8.self))?=\""
    }

    /// `filename="x"`, or RFC 2231 `filename*=UTF-8''%..` when the name is not plain ASCII.
    static func filenameParameter(_ value: String) -> String {
        if value.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C }) {
            return "filename=\"\(value)\""
        }
        var out = "filename*=UTF-8''"
        let digits = Array("0123456789ABCDEF")
        for byte in value.utf8 {
            if MIMEToken.isTokenByte(byte) && byte != UInt8(ascii: "'") && byte != UInt8(ascii: "%") && byte != UInt8(ascii: "*") {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out.append("%")
                out.append(digits[Int(byte >> 4)])
                out.append(digits[Int(byte & 0xF)])
            }
        }
        return out
    }
}

// MARK: - Validation of structured tokens

enum MIMEToken {
    static func isTokenByte(_ byte: UInt8) -> Bool {
        guard byte > 0x20 && byte < 0x7F else { return false }
        return !"()<>@,;:\\\"/[]?=".utf8.contains(byte)
    }

    static func validateContentType(_ value: String) throws {
        let parts = value.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(isTokenByte) }) else {
            throw MailError(.invalidHeader, severity: .permanent, "content type must be type/subtype tokens")
        }
    }

    static func validateContentID(_ value: String) throws {
        guard !value.isEmpty, value.utf8.count <= 250,
            value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") })
        else {
            throw MailError(.invalidHeader, severity: .permanent, "content id must be printable ASCII without <, > or spaces")
        }
    }

    static func validateMessageID(_ value: String) throws {
        guard value.utf8.contains(UInt8(ascii: "@")) else {
            throw MailError(.invalidHeader, severity: .permanent, "message id must be unique@domain")
        }
        try validateContentID(value)
    }

    static func validateURL(_ value: String) throws {
        guard !value.isEmpty, value.utf8.count <= 900,
            value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") })
        else {
            throw MailError(.invalidHeader, severity: .permanent, "URL must be printable ASCII without <, > or spaces")
        }
    }
}
