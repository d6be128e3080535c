// Half-size scalars for an Ed25519 verification (internal/ed25519_lattice.h): the extended
// Euclidean algorithm on (8L, h), stopped at the first remainder below 2^128.
//
// Each row (r, t) of the algorithm has r == t·h (mod 8L). The remainders r fall and the
// multipliers |t| grow, with |t_i| <= 8L / r_(i-1), so at the first r_i below 2^128, |t_i| is at
// most 2^128 too. The signs of the t alternate, so only their magnitudes are kept, which only grow:
// |t_(i+1)| = |t_(i-1)| + q·|t_i|. Two consecutive rows are a basis of the lattice {(c, d) : c ==
// h·d (mod 8L)}, which holds (h, 1), so their two t are never both even: one of the rows around the
// stop has an odd t.
#include "internal/ed25519_lattice.h"

#include <utility>

#include "internal/ed25519_field.h"

namespace licet::core_internal {
namespace {

using ed25519::U128;
using ed25519::U64;

// A 256-bit unsigned number, least significant word first.
struct Wide {
  U64 w[4];
};

constexpr Wide kEightTimesOrder{
    {0xc09318d2e7ae9f68, 0xa6f7cef517bce6b2, 0, 0x8000000000000000}};  // 8L = 2^255 + 8·c

int Bits(const Wide& a) {
  for (int i = 3; i >= 0; --i) {
    if (a.w[i] != 0) return 64 * i + 64 - __builtin_clzll(a.w[i]);
  }
  return 0;
}

bool Less(const Wide& a, const Wide& b) {
  for (int i = 3; i >= 0; --i) {
    if (a.w[i] != b.w[i]) return a.w[i] < b.w[i];
  }
  return false;
}

// a·2^k for 0 <= k < 256; the caller knows that nothing passes bit 255.
Wide Shifted(const Wide& a, int k) {
  const int words = k / 64;
  const int bits = k % 64;
  Wide out{};
  for (int i = 3; i >= words; --i) {
    out.w[i] = a.w[i - words] << bits;
    if (bits != 0 && i - words > 0) out.w[i] |= a.w[i - words - 1] >> (64 - bits);
  }
  return out;
}

void SubtractFrom(Wide& a, const Wide& b) {  // a -= b, b <= a
  U64 borrow = 0;
  for (int i = 0; i < 4; ++i) {
    const U64 x = a.w[i];
    const U64 y = b.w[i] + borrow;
    a.w[i] = x - y;
    borrow = (y < borrow || x < y) ? 1 : 0;
  }
}

void AddTo(Wide& a, const Wide& b) {  // a += b, the sum below 2^256
  U64 carry = 0;
  for (int i = 0; i < 4; ++i) {
    const U64 sum = a.w[i] + b.w[i];
    const U64 with_carry = sum + carry;
    carry = (sum < a.w[i] || with_carry < sum) ? 1 : 0;
    a.w[i] = with_carry;
  }
}

// r == ±t·h (mod 8L): t's magnitude and its sign.
struct Row {
  Wide r;
  Wide t;
  bool t_negative;
};

// a -= q·b, with q·b <= a.
void MultiplySubtract(Wide& a, const Wide& b, U64 q) {
  U64 carry = 0;
  U64 borrow = 0;
  for (int i = 0; i < 4; ++i) {
    const U128 product = static_cast<U128>(q) * b.w[i] + carry;
    carry = static_cast<U64>(product >> 64);
    const U64 x = a.w[i];
    const U64 y = static_cast<U64>(product) + borrow;
    a.w[i] = x - y;
    borrow = (y < borrow || x < y) ? 1 : 0;
  }
}

// a += q·b, the sum below 2^256.
void MultiplyAdd(Wide& a, const Wide& b, U64 q) {
  U64 carry = 0;
  for (int i = 0; i < 4; ++i) {
    const U128 sum = static_cast<U128>(q) * b.w[i] + a.w[i] + carry;
    a.w[i] = static_cast<U64>(sum);
    carry = static_cast<U64>(sum >> 64);
  }
}

// The 64 bits of `a` from bit `low` up.
U64 BitsFrom(const Wide& a, int low) {
  const int word = low / 64;
  const int bit = low % 64;
  U64 out = a.w[word] >> bit;
  if (bit != 0 && word < 3) out |= a.w[word + 1] << (64 - bit);
  return out;
}

// One step of the algorithm: `prev` becomes the next row, prev - q·cur for the quotient q of
// their remainders; its t keeps prev's sign. q is taken a part at a time: from the top 64 bits of
// both, a / (b + 1) never exceeds it, and is within a few of it when cur is less than 32 bits
// shorter (nearly always: q is 1, 2 or 3 most of the time); otherwise by shifted subtractions.
void Step(Row& prev, const Row& cur) {
  const int cur_bits = Bits(cur.r);
  while (!Less(prev.r, cur.r)) {
    const int prev_bits = Bits(prev.r);
    const int shift = prev_bits - cur_bits;
    if (shift >= 32) {
      int k = shift;
      Wide shifted = Shifted(cur.r, k);
      if (Less(prev.r, shifted)) shifted = Shifted(cur.r, --k);
      SubtractFrom(prev.r, shifted);
      AddTo(prev.t, Shifted(cur.t, k));
      continue;
    }
    const int low = prev_bits > 64 ? prev_bits - 64 : 0;
    const U64 a = BitsFrom(prev.r, low);
    const U64 b = BitsFrom(cur.r, low);
    U64 q = b == ~U64{0} ? 0 : a / (b + 1);  // cur < (b + 1)·2^low and prev >= a·2^low
    if (q == 0) q = 1;                       // prev >= cur
    MultiplySubtract(prev.r, cur.r, q);
    MultiplyAdd(prev.t, cur.t, q);
  }
}

Wide Load(const std::array<std::uint8_t, 32>& bytes) {
  const std::array<U64, 4> w = ed25519::LoadWords(bytes.data());
  return Wide{{w[0], w[1], w[2], w[3]}};
}

std::array<std::uint8_t, 32> Store(const Wide& a) { return ed25519::StoreWords(a.w); }

// The verification's digits have room for a d of 131 bits and a c of 252.
constexpr int kMaxDBits = 131;
constexpr int kMaxCBits = 252;

// The longer of c and d, or a size past every limit when the row cannot serve.
int Cost(const Row& row) {
  const int t_bits = Bits(row.t);
  const int r_bits = Bits(row.r);
  if ((row.t.w[0] & 1) == 0 || t_bits > kMaxDBits || r_bits > kMaxCBits) return 1000;
  return t_bits > r_bits ? t_bits : r_bits;
}

}  // namespace

int BitLength(const std::array<std::uint8_t, 32>& n) { return Bits(Load(n)); }

HalfSizeScalars ShortenChallenge(const std::array<std::uint8_t, 32>& h) {
  // Row 0 is (8L, 0); row 1 is (h, 1). Row 2's t is -q: the sign alternates from row 1's.
  Row prev{kEightTimesOrder, Wide{}, true};
  Row cur{Load(h), Wide{{1, 0, 0, 0}}, false};
  while (Bits(cur.r) > 128) {
    Step(prev, cur);
    std::swap(prev, cur);
  }
  Row next = prev;
  const bool has_next = Bits(cur.r) != 0;
  if (has_next) Step(next, cur);
  const Row* best = &cur;
  if (Cost(prev) < Cost(*best)) best = &prev;
  if (has_next && Cost(next) < Cost(*best)) best = &next;
  HalfSizeScalars out;
  if (Cost(*best) > kMaxCBits) {  // no row fits: the first form, c = h and d = 1
    out.c_magnitude = h;
    out.d[0] = 1;
    return out;
  }
  // r == ±|t|·h: with d = |t|, c = r when t is positive and -r when it is negative.
  out.c_magnitude = Store(best->r);
  out.c_negative = best->t_negative && Bits(best->r) != 0;
  out.d = Store(best->t);
  return out;
}

}  // namespace licet::core_internal
