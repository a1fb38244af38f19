// Creating (and on request first deleting) the collection, with the
// indexing LangChain's store uses: only _id is indexed, so values of any
// size fit.
#pragma once

#include "data_api_client.h"

namespace bytestore::astra {

// {"indexing": {"allow": ["_id"]}}
boost::json::object collection_options();

// Deletes the collection if `pre_delete`, then creates it. An existing
// collection with other settings is Error(config) saying what differs.
// Waits for the server: never call it on the client's loop thread.
void set_up_collection(DataApiClient& client, bool pre_delete);

}  // namespace bytestore::astra
