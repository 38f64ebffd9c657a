import Foundation
import Logging

/// The process's open-file limit, raised to its hard maximum at start (as Go's runtime and
/// nginx's `worker_rlimit_nofile` do): a default soft limit of 1024 would let a few hundred
/// idle HTTP sockets starve the broker connection and the store of descriptors.
enum DescriptorLimit {
    /// Raises the soft limit to the hard one; returns the limit now in force.
    @discardableResult
    static func raise(logger: Logger) -> UInt64 {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        let before = UInt64(limit.rlim_cur)
        guard limit.rlim_cur < limit.rlim_max else { return before }
        limit.rlim_cur = limit.rlim_max
        guard setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else {
            logger.warning("cannot raise the open-file limit above \(before): errno \(errno)")
            return before
        }
        logger.info("open-file limit raised from \(before) to \(limit.rlim_cur)")
        return UInt64(limit.rlim_cur)
    }
}
