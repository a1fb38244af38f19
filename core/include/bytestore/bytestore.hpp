// The whole public API of bytestore. Link target: bytestore::bytestore.
#pragma once

#include <bytestore/byte_store.hpp>
#include <bytestore/capabilities.hpp>
#include <bytestore/config.hpp>
#include <bytestore/crash_report.hpp>
#include <bytestore/error.hpp>
#include <bytestore/key_range.hpp>
#include <bytestore/metrics.hpp>
#include <bytestore/open.hpp>
#include <bytestore/plugins.hpp>
#include <bytestore/text.hpp>
#include <bytestore/version.hpp>
