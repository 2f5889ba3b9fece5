// Shim for nghttp2, owned by ZooterHTTP2 (the only Swift module that imports it).
//
// The static inline wrappers below flatten the two API generations: nghttp2 1.60.0 (PR #2066)
// added the `*2` functions returning `nghttp2_ssize` and deprecated the `ssize_t` ones, while
// Debian 12 ships 1.52, which has only the latter. Swift code calls the CNGHTTP2_* names and
// never sees the difference.
#ifndef ZOOTER_CNGHTTP2_H
#define ZOOTER_CNGHTTP2_H

#include <nghttp2/nghttp2.h>
#include <stdint.h>
#include <string.h>

/// Serialises pending frames; returns the byte count (>= 0) or a negative nghttp2 error code.
/// `*data` points into nghttp2's own buffer and is valid only until the next call.
static inline int64_t CNGHTTP2_session_mem_send(nghttp2_session *session, const uint8_t **data) {
#if NGHTTP2_VERSION_NUM >= 0x013c00
    return (int64_t)nghttp2_session_mem_send2(session, data);
#else
    return (int64_t)nghttp2_session_mem_send(session, data);
#endif
}

/// Feeds received bytes; returns the count consumed or a negative nghttp2 error code.
static inline int64_t CNGHTTP2_session_mem_recv(nghttp2_session *session, const uint8_t *in, size_t inlen) {
#if NGHTTP2_VERSION_NUM >= 0x013c00
    return (int64_t)nghttp2_session_mem_recv2(session, in, inlen);
#else
    return (int64_t)nghttp2_session_mem_recv(session, in, inlen);
#endif
}

/// The data-source read callback type of this nghttp2 version. Swift sees the same signature for
/// both (`ssize_t` and `nghttp2_ssize` both import as `Int`), so one Swift closure serves both.
#if NGHTTP2_VERSION_NUM >= 0x013c00
typedef nghttp2_data_source_read_callback2 CNGHTTP2_read_callback;
#else
typedef nghttp2_data_source_read_callback CNGHTTP2_read_callback;
#endif

/// Submits response headers with a body that `read_callback` supplies
/// (NULL sends headers with END_STREAM: a trailers-only response).
static inline int CNGHTTP2_submit_response(nghttp2_session *session, int32_t stream_id,
                                           const nghttp2_nv *nva, size_t nvlen,
                                           CNGHTTP2_read_callback read_callback) {
#if NGHTTP2_VERSION_NUM >= 0x013c00
    nghttp2_data_provider2 provider;
    memset(&provider, 0, sizeof provider);
    provider.read_callback = read_callback;
    return nghttp2_submit_response2(session, stream_id, nva, nvlen, read_callback ? &provider : NULL);
#else
    nghttp2_data_provider provider;
    memset(&provider, 0, sizeof provider);
    provider.read_callback = read_callback;
    return nghttp2_submit_response(session, stream_id, nva, nvlen, read_callback ? &provider : NULL);
#endif
}

/// Submits a request whose body the Swift read callback supplies; returns the stream id or a
/// negative nghttp2 error code.
static inline int32_t CNGHTTP2_submit_request(nghttp2_session *session, const nghttp2_nv *nva,
                                              size_t nvlen, CNGHTTP2_read_callback read_callback) {
#if NGHTTP2_VERSION_NUM >= 0x013c00
    nghttp2_data_provider2 provider;
    memset(&provider, 0, sizeof provider);
    provider.read_callback = read_callback;
    return nghttp2_submit_request2(session, NULL, nva, nvlen, &provider, NULL);
#else
    nghttp2_data_provider provider;
    memset(&provider, 0, sizeof provider);
    provider.read_callback = read_callback;
    return nghttp2_submit_request(session, NULL, nva, nvlen, &provider, NULL);
#endif
}

#endif
