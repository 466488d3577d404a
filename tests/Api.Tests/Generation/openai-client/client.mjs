// Drives the server's OpenAI-compatible API with the official `openai` package: its stream parser reads the server's
// Server-Sent Events strictly (it throws on malformed events). Usage: node client.mjs <baseURL> <model> <embedModel>.
// Prints one JSON object with what it received.
import OpenAI from "openai";

const [baseURL, model, embedModel] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey: "unused", maxRetries: 0, timeout: 60_000 });
const out = {};

const models = await client.models.list();
out.models = models.data.map((m) => m.id);

const completion = await client.completions.create({ model, prompt: "And God said", max_tokens: 40, temperature: 0 });
out.completion = { text: completion.choices[0].text, finish: completion.choices[0].finish_reason, usage: completion.usage };

const stream = await client.completions.create({ model, prompt: "And God said", max_tokens: 40, temperature: 0, stream: true });
let streamed = "";
let chunks = 0;
let finish = null;
for await (const chunk of stream) {
  chunks++;
  streamed += chunk.choices[0]?.text ?? "";
  finish = chunk.choices[0]?.finish_reason ?? finish;
}
out.completionStream = { text: streamed, chunks, finish };

const chat = await client.chat.completions.create({
  model,
  messages: [{ role: "user", content: "Who made the heaven and the earth" }],
  max_tokens: 30,
  seed: 5,
  stream: true,
  stream_options: { include_usage: true },
});
let content = "";
let role = null;
let chatFinish = null;
let usage = null;
for await (const chunk of chat) {
  if (chunk.object !== "chat.completion.chunk") throw new Error(`unexpected object ${chunk.object}`);
  const choice = chunk.choices[0];
  if (choice) {
    role = choice.delta.role ?? role;
    content += choice.delta.content ?? "";
    chatFinish = choice.finish_reason ?? chatFinish;
  }
  if (chunk.usage) usage = chunk.usage;
}
out.chatStream = { content, role, finish: chatFinish, usage };

const embeddings = await client.embeddings.create({ model: embedModel, input: ["In the beginning", "the LORD is my shepherd"] });
out.embeddings = embeddings.data.map((e) => ({ index: e.index, length: e.embedding.length, norm: Math.sqrt(e.embedding.reduce((s, v) => s + v * v, 0)) }));

try {
  await client.completions.create({ model: "no-such-model", prompt: "And", max_tokens: 5 });
  out.missing = "no error";
} catch (e) {
  out.missing = { status: e.status, message: e.message };
}

console.log(JSON.stringify(out));
