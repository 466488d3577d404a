using OrleansInference.Contracts.Models;
using OrleansInference.Grid.Catalog;
using OrleansInference.Grid.Repository;

namespace OrleansInference.Api.Generation;

/// <summary>A model that generates or embeds text, as <c>GET /v1/models</c> lists it.</summary>
internal sealed record TextModelInfo(string Name, string Version, string Kind, DateTimeOffset Created);

/// <summary>
/// Finds the version of a text model a request goes to (through the grid's routing, as predict does) and lists the
/// text models. The listing is this API's one read of the silo's catalog for text models.
/// </summary>
internal sealed class TextModelRoutes(GridCalls grid, ModelCatalog catalog)
{
    /// <summary>The version key to call, or the route that says why there is none.</summary>
    public async ValueTask<(string? VersionKey, VersionRoute Route)> ResolveAsync(string model, string? version, CancellationToken cancellationToken)
    {
        if (!ModelKeys.IsValidName(model))
        {
            return (null, new VersionRoute(null, $"'{model}' is not a valid model name: use 1-64 letters, digits, '-', '_' or '.'."));
        }

        var route = await grid.ResolveAsync(model, version, null, cancellationToken);
        return (route.Found ? ModelKeys.VersionKey(model, route.Version!) : null, route);
    }

    /// <summary>Every registered version that generates (<c>generation</c>) or embeds (<c>embedding</c>) text, newest last.</summary>
    public IReadOnlyList<TextModelInfo> List() =>
        catalog.Entries
            .Where(e => e.Config.Generation is not null || e.Config.Embedding is not null)
            .Select(e => new TextModelInfo(e.Name, e.Version, e.Config.Generation is not null ? "generation" : "embedding", e.Record.RegisteredAt))
            .ToList();
}
