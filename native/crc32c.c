/*
 * CRC-32C (Castagnoli) for ktool's record batches, as a small N-API addon. Two x86-64 ways,
 * chosen once by what the CPU has:
 *
 * avx512  Carry-less multiplication (VPCLMULQDQ) folds the input 256 bytes at a time in sixteen
 *         128-bit lanes: a lane's value B at distance D bits before the end contributes B * x^D
 *         mod P, which a multiplication of each 64-bit half by a 32-bit constant keeps at 128 bits.
 *         The sixteen lanes are folded into one at the end, and the crc32 instruction reduces
 *         those 16 bytes (and the tail) to the CRC. About 66 GB/s here.
 * sse4.2  The crc32 instruction has a throughput of 8 bytes a cycle but a latency of 3, so long
 *         inputs run as three interleaved chains joined by the CRC's linearity: CRC(A||B) is
 *         CRC(A) shifted over len(B) zero bytes (a multiplication by x^(8 len(B)) mod P) xor
 *         CRC(B). About 19 GB/s here, against 5 GB/s for a single chain.
 *
 * Elsewhere `hardware` is false and the JavaScript side uses its fallbacks.
 * Polynomials are bit-reflected as in the CRC itself: in a 32-bit constant bit 31 is x^0.
 *
 * JS: crc32c(data: Uint8Array, crc = 0) -> number   (continues `crc`, like zlib's crc32)
 *     implementation: 'avx512' | 'sse4.2' | 'none'
 */
#include <node_api.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define POLY 0x82f63b78u /* reflected Castagnoli polynomial */

/* a * b modulo the polynomial, bit-reflected (x^0 is the top bit). */
static uint32_t multmodp(uint32_t a, uint32_t b) {
  uint32_t m = 1u << 31, p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) == 0) break;
    }
    m >>= 1;
    b = b & 1 ? (b >> 1) ^ POLY : b >> 1;
  }
  return p;
}

/* x^n modulo the polynomial (by squaring). */
static uint32_t xpow(uint64_t n) {
  uint32_t square = 1u << 30 /* x^1 */, r = 1u << 31 /* x^0 */;
  for (; n; n >>= 1) {
    if (n & 1) r = multmodp(square, r);
    square = multmodp(square, square);
  }
  return r;
}

/* x^n mod P as a carry-less multiplier: in a reflected 64-bit operand x^d sits at bit 63 - d. A
 * product of two reflected 64-bit operands, read as a reflected 128-bit value, carries one extra
 * factor x, hence the exponents D - 1 and D + 63 below for a shift by D bits. */
static uint64_t fold_constant(uint64_t n) { return (uint64_t)xpow(n) << 32; }

#define LONG_LANE 8192
#define SHORT_LANE 256
static uint32_t shift_long, shift_short;
static int hardware;
static const char *implementation = "none";

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HAVE_X86 1

static inline uint64_t load64(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

__attribute__((target("sse4.2"))) static uint32_t crc32c_sse42(uint32_t crc, const uint8_t *buf, size_t len) {
  uint64_t c0 = (uint32_t)~crc;
  while (len && ((uintptr_t)buf & 7)) { c0 = _mm_crc32_u8((uint32_t)c0, *buf++); len--; }
#define LANES(LANE, SHIFT)                                                                   \
  while (len >= 3 * (LANE)) {                                                                \
    uint64_t c1 = 0, c2 = 0;                                                                 \
    const uint8_t *end = buf + (LANE);                                                       \
    do {                                                                                     \
      c0 = _mm_crc32_u64(c0, load64(buf));                                                   \
      c1 = _mm_crc32_u64(c1, load64(buf + (LANE)));                                          \
      c2 = _mm_crc32_u64(c2, load64(buf + 2 * (LANE)));                                      \
      buf += 8;                                                                              \
    } while (buf < end);                                                                     \
    c0 = multmodp(SHIFT, (uint32_t)c0) ^ (uint32_t)c1;                                       \
    c0 = multmodp(SHIFT, (uint32_t)c0) ^ (uint32_t)c2;                                       \
    buf += 2 * (LANE);                                                                       \
    len -= 3 * (LANE);                                                                       \
  }
  LANES(LONG_LANE, shift_long)
  LANES(SHORT_LANE, shift_short)
#undef LANES
  for (; len >= 8; buf += 8, len -= 8) c0 = _mm_crc32_u64(c0, load64(buf));
  while (len--) c0 = _mm_crc32_u8((uint32_t)c0, *buf++);
  return ~(uint32_t)c0;
}

/* Per 128-bit lane: the multiplier of its low half (the earlier bytes) and of its high half. */
static uint64_t fold_256[8];     /* a lane moves 256 bytes (2048 bits) towards the end */
static uint64_t fold_final[15][2]; /* lane b of 16 is 128 * (15 - b) bits before the end */

static void fold_init(void) {
  for (int i = 0; i < 8; i += 2) {
    fold_256[i] = fold_constant(2048 + 63);
    fold_256[i + 1] = fold_constant(2048 - 1);
  }
  for (int b = 0; b < 15; b++) {
    uint64_t d = 128 * (uint64_t)(15 - b);
    fold_final[b][0] = fold_constant(d + 63);
    fold_final[b][1] = fold_constant(d - 1);
  }
}

#define FOLD_MIN 512

__attribute__((target("avx512f,vpclmulqdq,pclmul,sse4.2"))) static uint32_t crc32c_avx512(uint32_t crc, const uint8_t *buf, size_t len) {
  if (len < FOLD_MIN) return crc32c_sse42(crc, buf, len);
  /* The initial register xors into the first four bytes, as the CRC's definition has it. */
  __m512i z0 = _mm512_xor_si512(_mm512_loadu_si512(buf), _mm512_set_epi64(0, 0, 0, 0, 0, 0, 0, (uint32_t)~crc));
  __m512i z1 = _mm512_loadu_si512(buf + 64), z2 = _mm512_loadu_si512(buf + 128), z3 = _mm512_loadu_si512(buf + 192);
  const __m512i k = _mm512_loadu_si512(fold_256);
  buf += 256;
  len -= 256;
  for (; len >= 256; buf += 256, len -= 256) {
#define FOLD(z, at) \
  z = _mm512_xor_si512(_mm512_xor_si512(_mm512_clmulepi64_epi128(z, k, 0x00), _mm512_clmulepi64_epi128(z, k, 0x11)), _mm512_loadu_si512(buf + (at)))
    FOLD(z0, 0);
    FOLD(z1, 64);
    FOLD(z2, 128);
    FOLD(z3, 192);
#undef FOLD
  }
  __m128i lanes[16];
  _mm512_storeu_si512(lanes, z0);
  _mm512_storeu_si512(lanes + 4, z1);
  _mm512_storeu_si512(lanes + 8, z2);
  _mm512_storeu_si512(lanes + 12, z3);
  __m128i r = lanes[15];
  for (int b = 0; b < 15; b++) {
    __m128i kb = _mm_loadu_si128((const __m128i *)fold_final[b]);
    r = _mm_xor_si128(r, _mm_xor_si128(_mm_clmulepi64_si128(lanes[b], kb, 0x00), _mm_clmulepi64_si128(lanes[b], kb, 0x11)));
  }
  /* The folded 16 bytes have the CRC of everything so far when taken from a zero register. */
  uint64_t c = _mm_crc32_u64(0, (uint64_t)_mm_cvtsi128_si64(r));
  c = _mm_crc32_u64(c, (uint64_t)_mm_extract_epi64(r, 1));
  for (; len >= 8; buf += 8, len -= 8) c = _mm_crc32_u64(c, load64(buf));
  while (len--) c = _mm_crc32_u8((uint32_t)c, *buf++);
  return ~(uint32_t)c;
}
#endif

static napi_value throw_type(napi_env env, const char *msg) {
  napi_throw_type_error(env, NULL, msg);
  return NULL;
}

static napi_value js_crc32c(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) return throw_type(env, "crc32c(data, crc?)");
  bool is_typed = false;
  napi_is_typedarray(env, argv[0], &is_typed);
  if (!is_typed) return throw_type(env, "crc32c: data must be a Uint8Array");
  napi_typedarray_type type;
  size_t length;
  void *data;
  if (napi_get_typedarray_info(env, argv[0], &type, &length, &data, NULL, NULL) != napi_ok || type != napi_uint8_array)
    return throw_type(env, "crc32c: data must be a Uint8Array");
  uint32_t crc = 0;
  if (argc > 1 && napi_get_value_uint32(env, argv[1], &crc) != napi_ok) return throw_type(env, "crc32c: crc must be a number");
  uint32_t result = 0;
  if (!hardware) return throw_type(env, "crc32c: no hardware CRC-32C on this CPU");
#ifdef HAVE_X86
  result = hardware == 2 ? crc32c_avx512(crc, (const uint8_t *)data, length) : crc32c_sse42(crc, (const uint8_t *)data, length);
#endif
  napi_value out;
  napi_create_uint32(env, result, &out);
  return out;
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  shift_long = xpow(8 * (uint64_t)LONG_LANE);
  shift_short = xpow(8 * (uint64_t)SHORT_LANE);
#ifdef HAVE_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("sse4.2")) {
    hardware = 1;
    implementation = "sse4.2";
    const char *forced = getenv("KTOOL_CRC32C_X86"); /* sse4.2: for tests and benchmarks */
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("vpclmulqdq") && __builtin_cpu_supports("pclmul") && !(forced && strcmp(forced, "sse4.2") == 0)) {
      fold_init();
      hardware = 2;
      implementation = "avx512";
    }
  }
#endif
  napi_value fn, hw, impl;
  napi_create_function(env, "crc32c", NAPI_AUTO_LENGTH, js_crc32c, NULL, &fn);
  napi_set_named_property(env, exports, "crc32c", fn);
  napi_get_boolean(env, hardware != 0, &hw);
  napi_set_named_property(env, exports, "hardware", hw);
  napi_create_string_utf8(env, implementation, NAPI_AUTO_LENGTH, &impl);
  napi_set_named_property(env, exports, "implementation", impl);
  return exports;
}
