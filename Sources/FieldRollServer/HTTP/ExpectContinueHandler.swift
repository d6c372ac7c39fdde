import Foundation
import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers `Expect: 100-continue` (RFC 9110 §10.1.1) on the HTTP/1.1 pipeline.
///
/// A client that sends the header waits before sending the body. Neither NIO's HTTP/1 codec nor
/// Hummingbird answers it, so this handler does, and only once the body is wanted: the route
/// (through ``ExpectContinueMiddleware``) sends ``BodyWanted`` down the pipeline when it first
/// reads the body, and the handler writes the interim `100 Continue` then. A route that answers
/// before reading (401, 413, a blob the server already has) sends its final response instead;
/// the client never sends the body, so that response carries `Connection: close` and the
/// connection is closed once it is written — nothing can follow a body that never came.
///
/// A client that stops waiting and sends the body anyway (libcurl does after a second) is fine
/// too: the first body bytes cancel the pending interim response.
///
/// ```swift
/// Application(router: router, server: .http1(configuration: .init(additionalChannelHandlers: [ExpectContinueHandler()])))
/// ```
final class ExpectContinueHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The outbound user event that says the current request's body is about to be read.
    struct BodyWanted: Sendable {}

    private enum State {
        /// No request waits for a `100 Continue`.
        case idle
        /// The request asked for `100 Continue` and the client holds its body back.
        case awaitingBody
        /// A final response went out while the body was held back; close once it ends.
        case closeAfterResponse
    }

    private var state = State.idle

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            state = Self.expectsContinue(head) ? .awaitingBody : .idle
        case .body, .end:
            // The body (or the end of an empty one) arrived without our go-ahead.
            if state == .awaitingBody { state = .idle }
        }
        context.fireChannelRead(data)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard event is BodyWanted else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        if state == .awaitingBody {
            state = .idle
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
        }
        promise?.succeed()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var response) where state == .awaitingBody && response.status.kind != .informational:
            state = .closeAfterResponse
            response.headerFields[.connection] = "close"
            context.write(wrapOutboundOut(.head(response)), promise: promise)
        case .end where state == .closeAfterResponse:
            state = .idle
            let written = promise ?? context.eventLoop.makePromise()
            context.write(data, promise: written)
            let channel = context.channel
            written.futureResult.whenComplete { _ in channel.close(promise: nil) }
        default:
            context.write(data, promise: promise)
        }
    }

    /// Whether a request head carries `Expect: 100-continue` (case-insensitive, as the RFC says).
    static func expectsContinue(_ head: HTTPRequest) -> Bool {
        head.headerFields[values: .expect].contains { $0.trimmingCharacters(in: .whitespaces).lowercased() == "100-continue" }
    }
}
