// Where the first check's laid-out code starts (src/sdk/first_check.order): this function is
// aligned to 64 KiB, the window the kernel maps a library's pages in on a page fault, and listed
// just ahead of the static initializers and the online check's functions. So they start a
// window, and with the string literals of .rodata that follow them they fill two windows (the
// first of which the initializers have already faulted in at load) instead of three, wherever
// the rest of the library's code leaves .text's end (bench/RESULTS.md, "Application SDK").
// Costs up to 64 KiB of padding in the file, never read.
extern "C" [[gnu::aligned(65536), gnu::used, gnu::visibility("hidden")]] void
licet_first_check_window() {}
