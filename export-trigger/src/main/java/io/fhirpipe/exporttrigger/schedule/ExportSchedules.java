package io.fhirpipe.exporttrigger.schedule;

import io.fhirpipe.exporttrigger.config.TriggerConfig;
import io.fhirpipe.model.events.ExportLevel;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Map;
import org.jboss.logging.Logger;

/** Registers one cron job per configured export job at start-up. */
@ApplicationScoped
public class ExportSchedules {

    private static final Logger LOG = Logger.getLogger(ExportSchedules.class);

    @Inject
    Scheduler scheduler;

    @Inject
    TriggerConfig config;

    @Inject
    ScheduledExportStarter starter;

    void register(@Observes StartupEvent startup) {
        for (Map.Entry<String, TriggerConfig.JobConfig> entry : config.jobs().entrySet()) {
            ScheduledJob job = toJob(entry.getKey(), entry.getValue());
            if (job.cron().equalsIgnoreCase("off")) {
                LOG.infof("export job %s is off", job.name());
                continue;
            }
            if (config.servers().get(job.server()) == null) {
                throw new IllegalArgumentException("fhirpipe.jobs." + job.name() + ".server names '" + job.server()
                        + "', which is not a configured FHIR server");
            }
            scheduler
                    .newJob(identity(job.name()))
                    .setCron(job.cron())
                    .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                    .setTask(execution -> starter.fire(job, execution.getScheduledFireTime()))
                    .schedule();
            LOG.infof("export job %s scheduled: %s on %s", job.name(), job.cron(), job.server());
        }
    }

    /** The scheduler's name for a job's cron, by which its next fire time is looked up. */
    public static String identity(String jobName) {
        return "fhirpipe-export-" + jobName;
    }

    public static ScheduledJob toJob(String name, TriggerConfig.JobConfig config) {
        return new ScheduledJob(
                name,
                config.cron(),
                config.server(),
                ExportLevel.fromWireName(config.level()),
                config.groupId().orElse(null),
                config.types().orElse(null),
                config.typeFilters().orElse(null),
                config.outputFormat().orElse(null),
                config.container().orElse(null));
    }
}
