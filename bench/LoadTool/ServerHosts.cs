using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using OrleansInference.Api;
using OrleansInference.Silo;

namespace OrleansInference.LoadTool;

/// <summary>The child-process side: the grid (<c>serve-grid</c>) and the bare Kestrel baseline (<c>serve-baseline</c>).</summary>
internal static class ServerHosts
{
    /// <summary>Hosts the grid (ApiHost with its co-hosted silo, or a client node with <c>--Api:Grid=Client</c>) until stdin says stop.</summary>
    public static async Task<int> ServeGridAsync(IReadOnlyList<string> args)
    {
        var hostArgs = new List<string> { "--urls=http://127.0.0.1:0", "--Grpc:Url=", "--Orleans:SiloPort=0", "--Orleans:GatewayPort=0" };
        hostArgs.AddRange(args);
        await using var app = ApiHost.Build(hostArgs.ToArray(), builder =>
            builder.Services.AddSingleton<IStartupFilter, GcEndpointStartupFilter>());
        await app.StartAsync();
        if (app.Services.GetService<SiloStartup>() is { } silo)
        {
            // A client node (Api:Grid=Client) hosts no silo to wait for.
            await silo.Completion.WaitAsync(TimeSpan.FromMinutes(5));
        }
        return await ServeUntilStoppedAsync(app);
    }

    /// <summary>
    /// Hosts the HTTP ceiling: Kestrel endpoints on the grid's paths that read and parse the same bodies (every
    /// number read as a float, as the grid does) and answer a constant: the grid's own response to that request,
    /// read from <c>--responses DIR</c> (<c>predict</c>, <c>v2-json</c>, <c>v2-binary</c> files).
    /// </summary>
    public static async Task<int> ServeBaselineAsync(IReadOnlyList<string> args)
    {
        var responses = Path.GetFullPath(args[args.ToList().IndexOf("--responses") + 1]);
        var builder = WebApplication.CreateSlimBuilder(["--urls=http://127.0.0.1:0"]);
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IStartupFilter, GcEndpointStartupFilter>();
        await using var app = builder.Build();
        var predict = ReadConstant(responses, "predict");
        var v2Json = ReadConstant(responses, "v2-json");
        var v2Binary = ReadConstant(responses, "v2-binary");
        app.MapPost("/api/v1/predict", context => AnswerAsync(context, predict, binaryHeaderLength: null));
        app.MapPost("/v2/models/{model}/infer", context =>
        {
            var header = context.Request.Headers["Inference-Header-Content-Length"];
            return header.Count > 0 && int.TryParse(header[0], out var length)
                ? AnswerAsync(context, v2Binary, length)
                : AnswerAsync(context, v2Json, binaryHeaderLength: null);
        });
        await app.StartAsync();
        return await ServeUntilStoppedAsync(app);
    }

    private static async Task<int> ServeUntilStoppedAsync(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Console.WriteLine(LoadToolProgram.ListeningPrefix + address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));

        // Console reads block; a dedicated thread keeps them off the thread pool (on one core, one blocked pool
        // thread is enough to stall every request until the pool injects another).
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            while (Console.ReadLine() is { } line && line != "stop")
            {
            }

            stop.TrySetResult();
        }) { IsBackground = true, Name = "stdin" }.Start();
        await stop.Task;
        await app.StopAsync();
        return 0;
    }

    private static (byte[] Body, string ContentType, string? HeaderLength) ReadConstant(string directory, string name)
    {
        var path = Path.Combine(directory, name);
        if (!File.Exists(path))
        {
            return ("{}"u8.ToArray(), "application/json", null);
        }

        var meta = File.ReadAllLines(path + ".meta");
        return (File.ReadAllBytes(path), meta[0], meta.Length > 1 && meta[1].Length > 0 ? meta[1] : null);
    }

    private static async Task AnswerAsync(HttpContext context, (byte[] Body, string ContentType, string? HeaderLength) answer, int? binaryHeaderLength)
    {
        var reader = context.Request.BodyReader;
        ReadResult read;
        while (!(read = await reader.ReadAsync(context.RequestAborted)).IsCompleted)
        {
            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }

        var body = read.Buffer;
        var json = binaryHeaderLength is { } length ? body.Slice(0, Math.Min(length, body.Length)) : body;
        var values = ParseNumbers(json);
        if (binaryHeaderLength is { } headerLength && body.Length > headerLength)
        {
            // The binary tail becomes one pooled float buffer, as the grid materializes a tensor.
            var tail = body.Slice(headerLength);
            var floats = ArrayPool<byte>.Shared.Rent((int)tail.Length);
            tail.CopyTo(floats);
            ArrayPool<byte>.Shared.Return(floats);
            values += (int)(tail.Length / sizeof(float));
        }

        reader.AdvanceTo(body.End);
        context.Response.StatusCode = values >= 0 ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest;
        context.Response.ContentType = answer.ContentType;
        context.Response.ContentLength = answer.Body.Length;
        if (answer.HeaderLength is not null)
        {
            context.Response.Headers["Inference-Header-Content-Length"] = answer.HeaderLength;
        }

        await context.Response.Body.WriteAsync(answer.Body, context.RequestAborted);
    }

    private static int ParseNumbers(ReadOnlySequence<byte> json)
    {
        var rented = ArrayPool<float>.Shared.Rent(1024);
        var count = 0;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.Number)
                {
                    if (count == rented.Length)
                    {
                        var larger = ArrayPool<float>.Shared.Rent(rented.Length * 2);
                        rented.AsSpan().CopyTo(larger);
                        ArrayPool<float>.Shared.Return(rented);
                        rented = larger;
                    }

                    rented[count++] = reader.GetSingle();
                }
                else if (reader.TokenType == JsonTokenType.String)
                {
                    _ = reader.ValueSpan.Length;
                }
            }

            return count;
        }
        catch (JsonException)
        {
            return -1;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    private static Task WriteSnapshotAsync(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(GcSnapshot.ToJson());
    }

    /// <summary>Adds <c>GET /_loadtool/gc</c>: the process's allocated bytes and GC counts, for bytes per request.</summary>
    private sealed class GcEndpointStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            // Not an async lambda: requests other than its own pass on as they are, adding no state machine to the
            // server being measured.
            app.Use(nextMiddleware => context => context.Request.Path == "/_loadtool/gc" ? WriteSnapshotAsync(context) : nextMiddleware(context));
            next(app);
        };
    }
}
