// Boost.URL, compiled into the plugin (Debian ships its headers only).
#include <boost/url/src.hpp>
