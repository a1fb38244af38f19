// Drives the local Data API server with the official TypeScript client,
// @datastax/astra-db-ts 2.3.0, and asserts every answer. Exits non-zero on
// the first surprise.
//
// Environment: DATA_API_URL (http://127.0.0.1:PORT), DATA_API_USER and
// DATA_API_PASSWORD (the server's --user / --password).
import assert from 'node:assert/strict';
import {
  CollectionInsertManyError,
  DataAPIClient,
  DataAPIResponseError,
  TooManyDocumentsToCountError,
  UsernamePasswordTokenProvider,
} from '@datastax/astra-db-ts';

const url = process.env.DATA_API_URL;
const user = process.env.DATA_API_USER;
const password = process.env.DATA_API_PASSWORD;
assert.ok(url && user && password, 'DATA_API_URL, DATA_API_USER and DATA_API_PASSWORD are needed');

const verified = [];
async function step(name, body) {
  try {
    await body();
    verified.push(name);
    console.log(`ok   ${name}`);
  } catch (e) {
    console.error(`FAIL ${name}`);
    throw e;
  }
}

async function expectError(promise, check) {
  let caught;
  try {
    await promise;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught, 'expected an error');
  check(caught);
}

const stats = async () => (await fetch(`${url}/_test/stats`)).json();
const resetStats = () => fetch(`${url}/_test/reset-stats`, { method: 'POST' });
const key = (i) => `k${String(i).padStart(4, '0')}`;

const client = new DataAPIClient(new UsernamePasswordTokenProvider(user, password), { environment: 'hcd' });
const db = client.db(url, { keyspace: 'default_keyspace' });
const admin = db.admin({ environment: 'hcd' });
let coll;

try {
  await step('dbAdmin.listKeyspaces / createKeyspace / dropKeyspace', async () => {
    assert.deepEqual(await admin.listKeyspaces(), ['default_keyspace']);
    await admin.createKeyspace('ts_check_ks');
    assert.deepEqual((await admin.listKeyspaces()).sort(), ['default_keyspace', 'ts_check_ks']);
    await admin.dropKeyspace('ts_check_ks');
    assert.deepEqual(await admin.listKeyspaces(), ['default_keyspace']);
  });

  await step('dropCollection of an absent collection', async () => {
    await db.dropCollection('ts_check');
  });

  await step('createCollection with indexing, again with the same settings', async () => {
    coll = await db.createCollection('ts_check', { indexing: { allow: ['_id'] } });
    await db.createCollection('ts_check', { indexing: { allow: ['_id'] } });
  });

  await step('createCollection with other settings fails', async () => {
    await expectError(db.createCollection('ts_check'), (e) => {
      assert.ok(e instanceof DataAPIResponseError, String(e));
      assert.equal(e.errorDescriptors[0].errorCode, 'EXISTING_COLLECTION_DIFFERENT_SETTINGS');
    });
  });

  await step('listCollections (explain and nameOnly)', async () => {
    const full = await db.listCollections();
    assert.deepEqual(full, [{ name: 'ts_check', definition: { indexing: { allow: ['_id'] } } }]);
    assert.deepEqual(await db.listCollections({ nameOnly: true }), ['ts_check']);
  });

  await step('insertMany of 120 documents in the client\'s chunks of 50', async () => {
    await resetStats();
    const docs = Array.from({ length: 120 }, (_, i) => ({ _id: key(i), value: Buffer.from(`v${i}`).toString('base64') }));
    const result = await coll.insertMany(docs);
    assert.equal(result.insertedCount, 120);
    assert.deepEqual([...result.insertedIds].sort(), docs.map((d) => d._id));  // chunks run concurrently
    assert.equal((await stats()).commands.insertMany, 3);
  });

  await step('insertMany with a duplicate, unordered: CollectionInsertManyError', async () => {
    await expectError(coll.insertMany([{ _id: 'k0001', value: 'x' }, { _id: 'new1', value: 'y' }]), (e) => {
      assert.ok(e instanceof CollectionInsertManyError, String(e));
      assert.deepEqual(e.insertedIds(), ['new1']);
      const cause = e.errors()[0];
      assert.ok(cause instanceof DataAPIResponseError, String(cause));
      assert.equal(cause.errorDescriptors.length, 1);
      const d = cause.errorDescriptors[0];
      assert.equal(d.errorCode, 'DOCUMENT_ALREADY_EXISTS');
      assert.equal(d.scope, 'DOCUMENT');
      assert.equal(d.family, 'REQUEST');
      assert.deepEqual(cause.rawResponse.status.documentResponses.map((r) => r.status), ['ERROR', 'OK']);
    });
  });

  await step('insertMany with a duplicate, ordered: stops there', async () => {
    await expectError(coll.insertMany([{ _id: 'new2' }, { _id: 'k0002' }, { _id: 'new3' }], { ordered: true }), (e) => {
      assert.ok(e instanceof CollectionInsertManyError, String(e));
      assert.deepEqual(e.insertedIds(), ['new2']);
    });
    assert.equal(await coll.findOne({ _id: 'new3' }), null);
  });

  await step('insertOne of an existing _id: DataAPIResponseError', async () => {
    await expectError(coll.insertOne({ _id: 'k0003' }), (e) => {
      assert.ok(e instanceof DataAPIResponseError, String(e));
      assert.equal(e.errorDescriptors[0].errorCode, 'DOCUMENT_ALREADY_EXISTS');
    });
    const r = await coll.insertOne({ value: 'generated id' });
    assert.equal(typeof r.insertedId, 'string');
    await coll.deleteOne({ _id: r.insertedId });
  });

  await step('replaceOne with upsert (existing and new _id)', async () => {
    let r = await coll.replaceOne({ _id: 'k0001' }, { _id: 'k0001', value: 'replaced' }, { upsert: true });
    assert.deepEqual(r, { matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
    r = await coll.replaceOne({ _id: 'brand-new' }, { value: 'fresh' }, { upsert: true });
    assert.deepEqual(r, { matchedCount: 0, modifiedCount: 0, upsertedId: 'brand-new', upsertedCount: 1 });
    r = await coll.replaceOne({ _id: 'absent' }, { value: 'no' });
    assert.deepEqual(r, { matchedCount: 0, modifiedCount: 0, upsertedCount: 0 });
    assert.deepEqual(await coll.findOne({ _id: 'k0001' }), { _id: 'k0001', value: 'replaced' });
    assert.deepEqual(await coll.findOne({ _id: 'brand-new' }), { _id: 'brand-new', value: 'fresh' });
  });

  await step('findOneAndReplace returnDocument after; updateOne $set', async () => {
    const after = await coll.findOneAndReplace({ _id: 'brand-new' }, { value: 'fresher' }, { returnDocument: 'after' });
    assert.deepEqual(after, { _id: 'brand-new', value: 'fresher' });
    const u = await coll.updateOne({ _id: 'brand-new' }, { $set: { value: 'set' } });
    assert.equal(u.matchedCount, 1);
    assert.equal(u.modifiedCount, 1);
  });

  await step('find with $in (60 keys) in one request', async () => {
    const keys = Array.from({ length: 60 }, (_, i) => key(i + 30));
    await resetStats();
    const docs = await coll.find({ _id: { $in: keys } }).toArray();
    assert.deepEqual(docs.map((d) => d._id).sort(), keys);
    assert.equal((await stats()).commands.find, 1);
  });

  await step('find with projections: {_id: 1} is the whole document, {value: 0} only _id', async () => {
    const byId = (a, b) => a._id.localeCompare(b._id);
    const filter = { _id: { $in: [key(5), key(6)] } };
    const v = (i) => Buffer.from(`v${i}`).toString('base64');
    let docs = await coll.find(filter, { projection: { _id: 1 } }).toArray();
    assert.deepEqual(docs.sort(byId), [{ _id: key(5), value: v(5) }, { _id: key(6), value: v(6) }]);
    docs = await coll.find(filter, { projection: { value: 0 } }).toArray();
    assert.deepEqual(docs.sort(byId), [{ _id: key(5) }, { _id: key(6) }]);
    const one = await coll.findOne({ _id: key(7) }, { projection: { _id: 0, value: 1 } });
    assert.deepEqual(one, { value: Buffer.from('v7').toString('base64') });
  });

  await step('find with a string range on _id (one bound; two are FILTER_MULTIPLE_ID_FILTER)', async () => {
    const docs = await coll.find({ _id: { $gte: 'k0110' } }, { projection: { value: 0 } }).toArray();
    const expected = [...Array.from({ length: 10 }, (_, i) => key(i + 110)), 'new1', 'new2'];
    assert.deepEqual(docs.map((d) => d._id).sort(), expected);
    await expectError(coll.find({ _id: { $gte: 'k0010', $lt: 'k0020' } }).toArray(), (e) => {
      assert.ok(e instanceof DataAPIResponseError, String(e));
      assert.equal(e.errorDescriptors[0].errorCode, 'FILTER_MULTIPLE_ID_FILTER');
    });
  });

  await step('find of everything follows pageState across pages', async () => {
    await resetStats();
    const all = await coll.find({}).toArray();
    assert.equal(all.length, 123);  // 120 + new1 + new2 + brand-new
    assert.equal(new Set(all.map((d) => d._id)).size, 123);
    assert.equal((await stats()).commands.find, 3);  // pages of 50
    assert.equal((await coll.find({}, { limit: 30 }).toArray()).length, 30);
  });

  await step('countDocuments and estimatedDocumentCount', async () => {
    assert.equal(await coll.countDocuments({}, 1000), 123);
    assert.equal(await coll.countDocuments({ _id: { $lt: 'k0050' } }, 1000), 51);  // and brand-new
    await expectError(coll.countDocuments({}, 10), (e) => assert.ok(e instanceof TooManyDocumentsToCountError, String(e)));
    assert.equal(await coll.estimatedDocumentCount(), 123);
  });

  await step('deleteMany loops on moreData', async () => {
    await resetStats();
    const r = await coll.deleteMany({ _id: { $lt: 'k0100' } });
    assert.equal(r.deletedCount, 101);  // k0000..k0099 and brand-new
    assert.equal((await stats()).commands.deleteMany, 6);  // 20 per call
    assert.equal(await coll.countDocuments({}, 1000), 22);
  });

  await step('deleteOne, then deleteMany({}) truncates', async () => {
    assert.deepEqual(await coll.deleteOne({ _id: 'new1' }), { deletedCount: 1 });
    const r = await coll.deleteMany({});
    assert.equal(r.deletedCount, -1);
    assert.equal(await coll.countDocuments({}, 1000), 0);
  });

  await step('a Cassandra:... token string works; a wrong token is refused', async () => {
    const b64 = (s) => Buffer.from(s).toString('base64');
    const byString = new DataAPIClient(`Cassandra:${b64(user)}:${b64(password)}`, { environment: 'hcd' });
    assert.deepEqual(await byString.db(url, { keyspace: 'default_keyspace' }).listCollections({ nameOnly: true }), ['ts_check']);
    const wrong = new DataAPIClient(`Cassandra:${b64(user)}:${b64('nope')}`, { environment: 'hcd' });
    await expectError(wrong.db(url, { keyspace: 'default_keyspace' }).listCollections(), (e) => {
      assert.ok(e instanceof DataAPIResponseError, String(e));
      assert.equal(e.errorDescriptors[0].errorCode, 'UNAUTHENTICATED_REQUEST');
    });
    await byString.close();
    await wrong.close();
  });

  await step('database timeouts: per-document errors the client reports, applied writes', async () => {
    const fault = (name) => fetch(`${url}/_test/config`, { method: 'POST', body: JSON.stringify({ fault: name, next: 1 }) });
    await fault('db_timeout');
    await expectError(coll.insertMany([{ _id: 't1' }, { _id: 't2' }]), (e) => {
      assert.ok(e instanceof CollectionInsertManyError, String(e));
      assert.deepEqual(e.insertedIds(), []);
      const d = e.errors()[0].errorDescriptors;
      assert.deepEqual(d.map((x) => x.errorCode), ['TIMEOUT_WRITING_DATA', 'TIMEOUT_WRITING_DATA']);
      assert.equal(d[0].family, 'SERVER');
      assert.equal(d[0].scope, 'DATABASE');
    });
    assert.equal(await coll.findOne({ _id: 't1' }), null);
    await fault('db_timeout_applied');
    await expectError(coll.insertOne({ _id: 't3' }), (e) => {
      assert.ok(e instanceof DataAPIResponseError, String(e));
      assert.equal(e.errorDescriptors[0].errorCode, 'TIMEOUT_WRITING_DATA');
    });
    assert.deepEqual(await coll.findOne({ _id: 't3' }), { _id: 't3' });
    await fault('db_unavailable');
    await expectError(coll.findOne({ _id: 't3' }), (e) => {
      assert.equal(e.errorDescriptors[0].errorCode, 'UNAVAILABLE_DATABASE');
    });
  });

  await step('dropCollection', async () => {
    await db.dropCollection('ts_check');
    assert.deepEqual(await db.listCollections({ nameOnly: true }), []);
  });
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  await client.close();
}
if (!process.exitCode) console.log(`astra-db-ts ${verified.length} checks passed`);
