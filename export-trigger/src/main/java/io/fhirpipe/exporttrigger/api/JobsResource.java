package io.fhirpipe.exporttrigger.api;

import io.fhirpipe.exporttrigger.config.TriggerConfig;
import io.fhirpipe.exporttrigger.schedule.ExportSchedules;
import io.fhirpipe.exporttrigger.schedule.ScheduledExportStarter;
import io.fhirpipe.exporttrigger.schedule.ScheduledJob;
import io.fhirpipe.exporttrigger.state.Watermark;
import io.fhirpipe.exporttrigger.state.WatermarkStore;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.scheduler.Trigger;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The configured export jobs: list them with their watermarks, and run one now (an incremental
 * export since its watermark, as its schedule would), e.g. for a manual catch-up or a demo.
 */
@Path("/jobs")
@Blocking
public class JobsResource {

    @Inject
    TriggerConfig config;

    @Inject
    ScheduledExportStarter starter;

    @Inject
    WatermarkStore watermarks;

    @Inject
    Scheduler scheduler;

    @Inject
    Clock clock;

    /** @param nextRun when the schedule fires next, as the scheduler has it; null for a job that is off */
    public record JobView(
            String name,
            String cron,
            String server,
            String level,
            Instant watermark,
            String watermarkExportId,
            Instant nextRun) {}

    public record JobRunView(String exportId, String job, Instant since, String statusUrl) {}

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<JobView> jobs() {
        return config.jobs().entrySet().stream()
                .sorted(java.util.Map.Entry.comparingByKey())
                .map(e -> {
                    ScheduledJob job = ExportSchedules.toJob(e.getKey(), e.getValue());
                    Watermark mark = watermarks.find(job.name()).orElse(null);
                    Trigger trigger = scheduler.getScheduledJob(ExportSchedules.identity(job.name()));
                    return new JobView(
                            job.name(),
                            job.cron(),
                            job.server(),
                            job.level().wireName(),
                            mark == null ? null : mark.transactionTime(),
                            mark == null ? null : mark.exportId(),
                            trigger == null ? null : trigger.getNextFireTime());
                })
                .toList();
    }

    /** Starts the job's export now, since its watermark; 202 with the export id. */
    @POST
    @Path("/{name}/runs")
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    public Response runNow(@PathParam("name") String name) {
        TriggerConfig.JobConfig jobConfig = config.jobs().get(name);
        if (jobConfig == null) {
            return Problem.of(
                            "job-not-found",
                            "Job not found",
                            404,
                            "no export job named '" + name + "' is configured (fhirpipe.jobs.<name>.*)")
                    .toResponse();
        }
        ScheduledJob job = ExportSchedules.toJob(name, jobConfig);
        if (config.servers().get(job.server()) == null) {
            return Problem.of(
                            "job-misconfigured",
                            "Job misconfigured",
                            409,
                            "job '" + name + "' names server '" + job.server() + "', which is not configured")
                    .toResponse();
        }
        ScheduledExportStarter.Started started = starter.start(job, clock.instant());
        return switch (started.outcome()) {
            case STARTED ->
                Response.accepted(new JobRunView(
                                started.exportId(), name, started.since(), "/exports/" + started.exportId()))
                        .type(MediaType.APPLICATION_JSON)
                        .build();
            case ALREADY_EXISTS ->
                Problem.of(
                                "export-exists",
                                "Export already exists",
                                409,
                                "export " + started.exportId() + " of job '" + name
                                        + "' was started this second already")
                        .toResponse();
            case BROKER_UNAVAILABLE ->
                Problem.of(
                                "broker-unavailable",
                                "Message broker unavailable",
                                503,
                                "the export was not started; try again")
                        .toResponse();
        };
    }
}
