// fmt's compiled part, built into liblicet.so rather than linked from libfmt.so: libfmt.so needs
// the system's libstdc++.so, of which liblicet.so carries its own hidden copy
// (src/sdk/CMakeLists.txt), so that an application checking its license loads neither. Including
// format-inl.h without FMT_HEADER_ONLY defines fmt's out-of-line functions here, and the templates
// that format.h declares extern are instantiated for char, as libfmt's own src/format.cc does.
#include <fmt/format-inl.h>

FMT_BEGIN_NAMESPACE
namespace detail {
template auto dragonbox::to_decimal(float x) noexcept -> dragonbox::decimal_fp<float>;
template auto dragonbox::to_decimal(double x) noexcept -> dragonbox::decimal_fp<double>;
template locale_ref::locale_ref(const std::locale& loc);
template auto locale_ref::get<std::locale>() const -> std::locale;
template auto thousands_sep_impl(locale_ref) -> thousands_sep_result<char>;
template auto decimal_point_impl(locale_ref) -> char;
template void buffer<char>::append(const char*, const char*);
template void vformat_to(buffer<char>&, string_view, basic_format_args<FMT_BUFFER_CONTEXT(char)>,
                         locale_ref);
}  // namespace detail
FMT_END_NAMESPACE
