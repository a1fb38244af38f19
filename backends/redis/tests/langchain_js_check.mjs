// Reads and writes Redis through LangChain.js's own RedisByteStore
// (@langchain/community/storage/ioredis) on an ioredis client, so tests
// can compare its bytes with the redis backend's.
//
//   node langchain_js_check.mjs URL NAMESPACE write TTL  < "key<TAB>hex" lines
//   node langchain_js_check.mjs URL NAMESPACE read       < keys, one per line
//   node langchain_js_check.mjs URL NAMESPACE list [PREFIX]
//
// NAMESPACE "-" is none; TTL "-" is none, else seconds as RedisByteStore
// takes them. write hands the store the hex-decoded bytes (it passes them
// through TextDecoder itself); read prints "key<TAB>hex", or "key<TAB>-"
// for a missing key; list prints what yieldKeys(PREFIX) yields, one a line.
import { readFileSync } from 'node:fs';
import { RedisByteStore } from '@langchain/community/storage/ioredis';
import { Redis } from 'ioredis';

const [url, namespace, mode, arg] = process.argv.slice(2);
if (!url || !namespace || !mode) {
  console.error('usage: langchain_js_check.mjs URL NAMESPACE write TTL|read|list [PREFIX]');
  process.exit(2);
}

// Lines of stdin; keys are UTF-8 text, as ioredis sends them.
const stdinLines = () => readFileSync(0, 'utf8').split('\n').filter((line) => line !== '');

// No retries: a server that is not there should fail the run at once.
const client = new Redis(url, { maxRetriesPerRequest: 0, lazyConnect: true });
try {
  await client.connect();
  const store = new RedisByteStore({
    client,
    namespace: namespace === '-' ? undefined : namespace,
    ttl: mode === 'write' && arg !== '-' ? Number(arg) : undefined,
  });
  if (mode === 'write') {
    const pairs = stdinLines().map((line) => {
      const [key, hex] = line.split('\t');
      return [key, new Uint8Array(Buffer.from(hex, 'hex'))];
    });
    await store.mset(pairs);
  } else if (mode === 'read') {
    const keys = stdinLines();
    const values = await store.mget(keys);
    keys.forEach((key, i) => {
      const value = values[i];
      console.log(`${key}\t${value === undefined ? '-' : Buffer.from(value).toString('hex')}`);
    });
  } else if (mode === 'list') {
    for await (const key of store.yieldKeys(arg)) console.log(key);
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  client.disconnect();
}
