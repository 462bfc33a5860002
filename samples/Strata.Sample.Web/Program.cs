using Microsoft.FeatureManagement;
using Strata.Client;
using Strata.Sample.Web;

var builder = WebApplication.CreateBuilder(args);

// Configuration is built before the host's logging exists, so the client gets a console logger of its own, filtered
// by the same Logging section (which Strata's Logging namespace joins once it is loaded).
using var clientLogs = LoggerFactory.Create(logging => logging
    .AddConfiguration(builder.Configuration.GetSection("Logging"))
    .AddConsole());

// Server, token, pinned signing key and last-known-good key come from appsettings.json or the environment
// (Strata__Server, Strata__Token, Strata__SigningKey, Strata__LastKnownGoodKey).
builder.Configuration.AddStrata(o =>
{
    builder.Configuration.GetSection("Strata").Bind(o);
    o.Namespaces = ["checkout", "FeatureManagement", "Logging"];
    o.LastKnownGoodPath = Path.Combine(builder.Environment.ContentRootPath, o.LastKnownGoodPath ?? "strata.lkg");
    o.LoggerFactory = clientLogs;
});

// Fail at start-up, naming every missing setting, rather than on the first request that needs one.
builder.Configuration.Require("checkout:max_items");

builder.Services.Configure<CheckoutOptions>(builder.Configuration.GetSection("checkout"));
builder.Services.AddFeatureManagement();                // flags from the FeatureManagement section: Strata's namespace
builder.Services.AddHealthChecks().AddStrataClient();

var app = builder.Build();
app.LogStrataChanges();
app.MapCheckout();
app.MapHealthChecks("/health");
app.Run();
