import Hummingbird
import NIOCore

/// Tells ``ExpectContinueHandler`` when a request that sent `Expect: 100-continue` starts to
/// read its body, so the client is told to send it only then.
///
/// It wraps the request body; the first read sends ``ExpectContinueHandler/BodyWanted`` down
/// the connection's pipeline. A route that answers without reading never sends it, and the
/// client never sends the body. Add it first, so every route and middleware sees the wrapped body.
struct ExpectContinueMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let channel = context.channel, ExpectContinueHandler.expectsContinue(request.head) else {
            return try await next(request, context)
        }
        var request = request
        request.body = RequestBody(asyncSequence: ContinueOnFirstRead(base: request.body, channel: channel))
        return try await next(request, context)
    }
}

/// A request body that asks for `100 Continue` before its first read.
struct ContinueOnFirstRead: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let base: RequestBody
    let channel: any Channel

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: RequestBody.AsyncIterator
        let channel: any Channel
        var asked = false

        mutating func next() async throws -> ByteBuffer? {
            if !asked {
                asked = true
                // Fire and forget: without the handler in the pipeline (router tests) nothing happens.
                channel.triggerUserOutboundEvent(ExpectContinueHandler.BodyWanted(), promise: nil)
            }
            return try await base.next()
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator(), channel: channel) }
}
