package dev.mcpauth.resource;

import dev.mcpauth.support.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The per-peer budget of failed tokens on its own: counting, windows, IPv6 prefixes and the memory bound. */
class TokenFailureLimiterTest {

    private final MutableClock clock = new MutableClock();
    private final TokenFailureLimiter limiter = new TokenFailureLimiter(3, Duration.ofSeconds(60), 1_000, clock);

    private static InetSocketAddress peer(String address) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(address), 40_000);
    }

    private static InetSocketAddress ipv4(int n) throws Exception {
        return new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, (byte) (n >> 16), (byte) (n >> 8), (byte) n}), 40_000);
    }

    private void fail(InetSocketAddress peer, int times) {
        for (int i = 0; i < times; i++) {
            limiter.recordFailure(peer);
        }
    }

    @Test
    void peerIsBlockedOnceItsFailuresReachTheBudgetUntilItsWindowCloses() throws Exception {
        InetSocketAddress mallory = peer("192.0.2.7");
        fail(mallory, 2);
        clock.advance(Duration.ofSeconds(20));
        assertThat(limiter.retryAfter(mallory)).isZero();

        fail(mallory, 1);

        // The window opened on the first failure, 20 s ago.
        assertThat(limiter.retryAfter(mallory)).isEqualTo(Duration.ofSeconds(40));
        clock.advance(Duration.ofSeconds(39));
        assertThat(limiter.retryAfter(mallory)).isEqualTo(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        assertThat(limiter.retryAfter(mallory)).isZero();
    }

    @Test
    void failuresOfAnEndedWindowAreForgotten() throws Exception {
        InetSocketAddress client = peer("192.0.2.8");
        fail(client, 2);
        clock.advance(Duration.ofSeconds(61));

        fail(client, 2);

        assertThat(limiter.retryAfter(client)).isZero();
        fail(client, 1);
        assertThat(limiter.retryAfter(client)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void onePeersFailuresDoNotBlockAnother() throws Exception {
        fail(peer("192.0.2.7"), 10);

        assertThat(limiter.retryAfter(peer("192.0.2.7"))).isPositive();
        assertThat(limiter.retryAfter(peer("192.0.2.9"))).isZero();
        assertThat(limiter.retryAfter(peer("127.0.0.1"))).isZero();
    }

    @Test
    void ipv6PeersShareTheBudgetOfTheirSlash64() throws Exception {
        fail(peer("2001:db8:1:2::1"), 2);
        fail(peer("2001:db8:1:2:ffff:ffff:ffff:ffff"), 1);

        assertThat(limiter.retryAfter(peer("2001:db8:1:2::99"))).isPositive();
        assertThat(limiter.retryAfter(peer("2001:db8:1:3::1"))).isZero();
        assertThat(TokenFailureLimiter.key(peer("2001:db8:1:2::1"))).isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(TokenFailureLimiter.key(peer("192.0.2.7"))).isEqualTo("192.0.2.7");
    }

    @Test
    void trackedPeersStayBoundedWhileAddressesRotate() throws Exception {
        for (int n = 0; n < 50_000; n++) {
            limiter.recordFailure(ipv4(n));
            assertThat(limiter.trackedPeers()).isLessThanOrEqualTo(1_000);
        }
        // Rotated addresses are forgotten first among equals; the newest are still counted.
        fail(ipv4(49_999), 2);
        assertThat(limiter.retryAfter(ipv4(49_999))).isPositive();
    }

    @Test
    void aBlockedPeerIsTheLastToBeForgottenWhenTheBoundIsReached() throws Exception {
        InetSocketAddress mallory = peer("192.0.2.7");
        fail(mallory, 3);

        for (int n = 0; n < 20_000; n++) {
            limiter.recordFailure(ipv4(n));
        }

        assertThat(limiter.retryAfter(mallory)).isPositive();
    }

    @Test
    void expiredWindowsAreDroppedBeforeAnyLiveOne() throws Exception {
        for (int n = 0; n < 1_000; n++) {
            limiter.recordFailure(ipv4(n));
        }
        clock.advance(Duration.ofSeconds(61));
        InetSocketAddress recent = peer("192.0.2.10");
        fail(recent, 2);

        limiter.recordFailure(ipv4(5_000));

        assertThat(limiter.trackedPeers()).isEqualTo(2);
        fail(recent, 1);
        assertThat(limiter.retryAfter(recent)).isPositive();
    }

    @Test
    void disabledLimiterNeverBlocksAndRemembersNothing() throws Exception {
        TokenFailureLimiter off = new TokenFailureLimiter(0, Duration.ofSeconds(60), 10, clock);
        for (int i = 0; i < 100; i++) {
            off.recordFailure(peer("192.0.2.7"));
        }

        assertThat(off.enabled()).isFalse();
        assertThat(off.retryAfter(peer("192.0.2.7"))).isZero();
        assertThat(off.trackedPeers()).isZero();
        assertThat(TokenFailureLimiter.disabled().enabled()).isFalse();
    }

    @Test
    void impossibleSettingsAreRefused() {
        assertThatThrownBy(() -> new TokenFailureLimiter(-1, Duration.ofSeconds(60), 10, clock)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenFailureLimiter(3, Duration.ZERO, 10, clock)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenFailureLimiter(3, Duration.ofSeconds(1), 0, clock)).isInstanceOf(IllegalArgumentException.class);
    }
}
