/// A token bucket over streams the client resets before we answered (RST_STREAM on an open
/// call). Cancelling is legitimate; thousands a second is the Rapid Reset attack (CVE-2023-44487),
/// which makes the server start work for requests that are withdrawn at once. We enforce our own
/// budget rather than trusting the distro's nghttp2 patches, whose version string does not say
/// whether they are there.
struct ResetRateLimiter {
    let burst: Double
    let perSecond: Double
    private var tokens: Double
    private var last: ContinuousClock.Instant

    init(burst: Int, perSecond: Int, now: ContinuousClock.Instant = .now) {
        self.burst = Double(burst)
        self.perSecond = Double(perSecond)
        tokens = Double(burst)
        last = now
    }

    /// Records one reset; false once the client is past its budget.
    mutating func allow(now: ContinuousClock.Instant = .now) -> Bool {
        let elapsed = now - last
        last = now
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        tokens = min(burst, tokens + seconds * perSecond)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
