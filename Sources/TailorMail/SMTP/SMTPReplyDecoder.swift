import NIOCore

/// Splits the inbound byte stream into lines and assembles SMTP replies.
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply

    private var parser = SMTPReplyParser()

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: 0x0A) else {
            if buffer.readableBytes > SMTPReplyParser.maximumLineLength {
                throw MailError(.protocolViolation, severity: .transient, "reply line longer than \(SMTPReplyParser.maximumLineLength) octets")
            }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex
        var lineLength = length
        if lineLength > 0, buffer.getInteger(at: newline - 1, as: UInt8.self) == 0x0D { lineLength -= 1 }
        let reply = try buffer.readableBytesView.withContiguousStorageIfAvailable { bytes in
            try parser.feed(line: bytes[0..<lineLength])
        } ?? parser.feed(line: Array(buffer.getBytes(at: buffer.readerIndex, length: lineLength)!))
        buffer.moveReaderIndex(forwardBy: length + 1)
        if let reply { context.fireChannelRead(wrapInboundOut(reply)) }
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}
