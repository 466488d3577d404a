// Drives the KServe v2 gRPC service with @grpc/grpc-js, a client the project did not write.
// Usage: node client.js HOST:PORT PROTO_PATH. Prints "PASS name" / "FAIL name: why"; exits 1 when any case fails.
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');

const [address, protoPath] = process.argv.slice(2);
const definition = loader.loadSync(protoPath, { keepCase: true, longs: String, defaults: true });
const inference = grpc.loadPackageDefinition(definition).inference;
const client = new inference.GRPCInferenceService(address, grpc.credentials.createInsecure());
const deadline = () => new Date(Date.now() + 30000);
const call = (method, request) => new Promise((resolve, reject) =>
  client[method](request, { deadline: deadline() }, (error, response) => (error ? reject(error) : resolve(response))));
const iris = (id) => ({
  model_name: 'iris', id,
  inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], contents: { fp32_contents: [5.1, 3.5, 1.4, 0.2] } }],
});
const expect = (condition, message) => { if (!condition) throw new Error(message); };
const cases = [];
const test = (name, fn) => cases.push([name, fn]);

test('server metadata lists the extensions', async () => {
  const metadata = await call('ServerMetadata', {});
  expect(metadata.extensions.join(',') === 'binary_tensor_data,classification,model_repository,statistics', `extensions ${metadata.extensions}`);
});

test('model infer answers three probabilities', async () => {
  const response = await call('ModelInfer', iris('js-1'));
  expect(response.id === 'js-1' && response.outputs[0].shape.join(',') === '1,3', JSON.stringify(response.outputs));
  const raw = response.raw_output_contents[0];
  const sum = [0, 1, 2].reduce((total, i) => total + raw.readFloatLE(4 * i), 0);
  expect(Math.abs(sum - 1) < 1e-4, `probabilities sum to ${sum}`);
});

test('bad input is INVALID_ARGUMENT, an unknown model NOT_FOUND', async () => {
  const bad = iris('bad');
  bad.inputs[0].shape = [1, 3];
  await call('ModelInfer', bad).then(() => { throw new Error('accepted'); }, (e) => expect(e.code === grpc.status.INVALID_ARGUMENT, `code ${e.code}: ${e.details}`));
  await call('ModelInfer', { ...iris('x'), model_name: 'nope' }).then(() => { throw new Error('accepted'); }, (e) => expect(e.code === grpc.status.NOT_FOUND, `code ${e.code}`));
});

test('an absurd shape is INVALID_ARGUMENT', async () => {
  const request = { model_name: 'iris', inputs: [{ name: 'features', datatype: 'FP32', shape: ['4611686018427387904', '4611686018427387904'] }], raw_input_contents: [Buffer.alloc(16)] };
  await call('ModelInfer', request).then(() => { throw new Error('accepted'); }, (e) => expect(e.code === grpc.status.INVALID_ARGUMENT, `code ${e.code}: ${e.details}`));
});

test('stream answers each request while open', async () => {
  const stream = client.ModelStreamInfer({ deadline: deadline() });
  const answers = [];
  const next = () => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer within 30 s while the stream is open')), 30000);
    stream.once('data', (d) => { clearTimeout(timer); resolve(d); });
  });
  for (const id of ['a', 'b']) {
    const answer = next();
    stream.write(iris(id));
    answers.push(await answer);
  }
  stream.end();
  expect(answers.map((a) => a.infer_response.id).join(',') === 'a,b', JSON.stringify(answers.map((a) => a.error_message)));
});

test('repository index and statistics', async () => {
  const index = await call('RepositoryIndex', { ready: true });
  expect(index.models.some((m) => m.name === 'iris' && m.state === 'READY'), 'iris missing from the index');
  const stats = await call('ModelStatistics', { name: 'iris' });
  expect(Number(stats.model_stats[0].inference_count) >= 1, `inference_count ${stats.model_stats[0].inference_count}`);
});

test('a deadline is honoured', async () => {
  const request = { model_name: 'slow', inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 256] }], raw_input_contents: [Buffer.alloc(1024)] };
  await new Promise((resolve, reject) => client.ModelInfer(request, { deadline: new Date(Date.now() + 1) }, (e) =>
    (e && e.code === grpc.status.DEADLINE_EXCEEDED ? resolve() : reject(new Error(`code ${e && e.code}`)))));
});

(async () => {
  let failed = 0;
  for (const [name, fn] of cases) {
    try { await fn(); console.log(`PASS ${name}`); } catch (e) { failed++; console.log(`FAIL ${name}: ${e.message}`); }
  }
  console.log(`${cases.length - failed} of ${cases.length} cases passed`);
  client.close();
  process.exit(failed ? 1 : 0);
})();
