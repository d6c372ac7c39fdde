#if canImport(CCurl)
    import CCurl
    import Foundation

    /// libcurl easy handles kept between requests, so that a sync reuses one connection.
    ///
    /// A handle that finished a request is reset (its options cleared) and kept with its connection
    /// cache, its DNS cache and its TLS session: the next request to the same server goes out on the
    /// open connection instead of a new TCP and TLS handshake. At most ``capacity`` idle handles are
    /// kept; the rest are cleaned up. The pool lives as long as the client that owns it.
    final class CurlHandlePool: @unchecked Sendable {
        /// How many idle handles are kept (the sync engine sends at most a few requests at once).
        let capacity: Int
        private let lock = NSLock()
        private var idle: [UnsafeMutableRawPointer] = []

        init(capacity: Int = 4) {
            self.capacity = capacity
        }

        deinit {
            for handle in idle { curl_easy_cleanup(handle) }
        }

        /// An idle handle, or a new one; nil when libcurl cannot make one.
        func take() -> UnsafeMutableRawPointer? {
            lock.lock()
            let handle = idle.popLast()
            lock.unlock()
            return handle ?? curl_easy_init()
        }

        /// Gives a handle back after a request. `reusable` is false after a transfer failed in a way
        /// that leaves the connection in doubt; such a handle is cleaned up.
        func give(_ handle: UnsafeMutableRawPointer, reusable: Bool) {
            guard reusable else {
                curl_easy_cleanup(handle)
                return
            }
            curl_easy_reset(handle)
            lock.lock()
            let kept = idle.count < capacity
            if kept { idle.append(handle) }
            lock.unlock()
            if !kept { curl_easy_cleanup(handle) }
        }
    }
#endif
