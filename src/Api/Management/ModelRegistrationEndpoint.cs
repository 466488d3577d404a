using System.Text.Json;
using Microsoft.Extensions.Options;
using Orleans;
using OrleansInference.Api.Http;
using OrleansInference.Contracts.Models;
using OrleansInference.Grid.Catalog;
using OrleansInference.Grid.Repository;

namespace OrleansInference.Api.Management;

/// <summary>
/// <c>POST /api/v1/models/{name}/versions</c>: a multipart upload (<c>model</c> file and <c>config</c> JSON), or
/// <c>{"path": "..."}</c> naming a folder inside the model repository. Nothing outside the repository is read.
/// </summary>
internal static class ModelRegistrationEndpoint
{
    public static async Task<IResult> RegisterAsync(
        string name,
        HttpRequest request,
        ModelRepository repository,
        ModelCatalog catalog,
        IGrainFactory grains,
        IOptions<ModelRepositoryOptions> options,
        CancellationToken cancellationToken)
    {
        ModelVersionDescriptor descriptor;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            var modelFile = form.Files.GetFile("model");
            var configText = form["config"].ToString();
            if (string.IsNullOrEmpty(configText) && form.Files.GetFile("config") is { } configFile)
            {
                using var reader = new StreamReader(configFile.OpenReadStream());
                configText = await reader.ReadToEndAsync(cancellationToken);
            }

            if (modelFile is null || modelFile.Length == 0 || string.IsNullOrEmpty(configText))
            {
                return Problems.BadRequest("A multipart registration needs a 'model' file (the .onnx) and a 'config' part (config.json).");
            }

            if (modelFile.Length > options.Value.MaxUploadBytes)
            {
                return Results.Problem(
                    $"The model is {modelFile.Length} bytes; the limit is {options.Value.MaxUploadBytes} (ModelRepository:MaxUploadBytes).",
                    statusCode: StatusCodes.Status413PayloadTooLarge,
                    title: "Model too large");
            }

            var config = ModelRepository.ParseConfig(System.Text.Encoding.UTF8.GetBytes(configText), "the uploaded config");
            if (config.Name != name)
            {
                return Problems.BadRequest($"The config names model '{config.Name}' but the URL names '{name}'.");
            }

            await using var stream = modelFile.OpenReadStream();
            OnnxModelFile.Check(stream, $"The uploaded 'model' file '{modelFile.FileName}'");
            stream.Position = 0;
            descriptor = await repository.WriteVersionAsync(config, stream, cancellationToken);
        }
        else
        {
            var body = await JsonSerializer.DeserializeAsync<RegisterPathRequest>(request.Body, JsonSerializerOptions.Web, cancellationToken);
            if (string.IsNullOrEmpty(body?.Path))
            {
                return Problems.BadRequest("Send a multipart upload ('model' and 'config') or a JSON body {\"path\": \"<folder inside the model repository>\"}.");
            }

            descriptor = await RegisterFromPathAsync(name, body.Path, repository, cancellationToken);
        }

        var change = await catalog.RegisterAsync(descriptor.Name, descriptor.Version, cancellationToken);
        switch (change.Outcome)
        {
            case CatalogOutcome.Conflict:
                return Problems.Conflict(change.Error!);
            case CatalogOutcome.Invalid or CatalogOutcome.NotFound:
                return Problems.BadRequest(change.Error!);
        }

        if (!catalog.TryGet(descriptor.Name, descriptor.Version, out var entry))
        {
            return Problems.Conflict($"Model '{descriptor.Key}' was registered but left the catalog at once; try again.");
        }

        if (entry.Stage == ModelStages.Production
            && await ProductionRollout.PromoteAsync(entry.Name, entry.Version, catalog, grains, cancellationToken) is { } refused)
        {
            return refused;
        }

        await grains.GetGrain<IModelGrain>(name).RefreshAsync(cancellationToken);
        if (catalog.TryGet(entry.Name, entry.Version, out var current))
        {
            entry = current;
        }

        var view = await ModelViewBuilder.BuildVersionAsync(entry, grains, cancellationToken);
        return Results.Created($"/api/v1/models/{entry.Name}/versions/{entry.Version}", view);
    }

    private static async Task<ModelVersionDescriptor> RegisterFromPathAsync(string name, string path, ModelRepository repository, CancellationToken cancellationToken)
    {
        if (Path.IsPathRooted(path))
        {
            throw new ModelRepositoryException($"Path '{path}' must be relative to the model repository root.");
        }

        if (repository.UsesS3)
        {
            // The bucket and prefix come from configuration; the path only names a version under them.
            var parts = path.Trim('/').Split('/');
            if (parts.Length != 2 || !ModelKeys.IsValidName(parts[0]) || !ModelKeys.IsValidVersion(parts[1]))
            {
                throw new ModelRepositoryException(
                    $"With the model repository in S3 (ModelRepository:S3), 'path' names a version in the bucket as '{{name}}/{{version}}', such as '{name}/1'; got '{path}'.");
            }

            if (parts[0] != name)
            {
                throw new ModelRepositoryException($"The path '{path}' names model '{parts[0]}' but the URL names '{name}'.");
            }

            return await repository.LoadAsync(parts[0], parts[1], cancellationToken);
        }

        var folder = repository.ResolveInside(path);
        var configPath = Path.Combine(folder, ModelRepository.ConfigFileName);
        var modelPath = Path.Combine(folder, ModelRepository.ModelFileName);
        if (!File.Exists(configPath) || !File.Exists(modelPath))
        {
            throw new ModelRepositoryException($"Folder '{path}' in the model repository needs {ModelRepository.ModelFileName} and {ModelRepository.ConfigFileName}.");
        }

        // Symbolic links that lead outside the repository and hard links are refused before anything is read.
        foreach (var (file, shown) in new[] { (configPath, $"{path}/{ModelRepository.ConfigFileName}"), (modelPath, $"{path}/{ModelRepository.ModelFileName}") })
        {
            if (ContainedPath.RefuseFile(repository.RootPath, file, shown, "ModelRepository:RootPath") is { } refused)
            {
                throw new ModelRepositoryException(refused);
            }
        }

        OnnxModelFile.CheckFile(modelPath, $"{path}/{ModelRepository.ModelFileName}");
        var config = ModelRepository.ParseConfig(await File.ReadAllBytesAsync(configPath, cancellationToken), $"{path}/{ModelRepository.ConfigFileName}");
        if (config.Name != name)
        {
            throw new ModelRepositoryException($"The config in '{path}' names model '{config.Name}' but the URL names '{name}'.");
        }

        if (string.Equals(repository.VersionDirectory(config.Name, config.Version), folder, StringComparison.Ordinal))
        {
            return repository.Load(config.Name, config.Version);
        }

        await using var model = File.OpenRead(modelPath);
        return await repository.WriteVersionAsync(config, model, cancellationToken);
    }
}
