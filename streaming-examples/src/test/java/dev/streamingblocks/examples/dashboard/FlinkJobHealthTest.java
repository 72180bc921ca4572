package dev.streamingblocks.examples.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamingblocks.examples.dashboard.FlinkJobHealth.Checkpoint;
import dev.streamingblocks.examples.dashboard.FlinkJobHealth.JobRef;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Parsing of Flink REST answers, in the shapes Flink 2.2's REST API returns them. */
class FlinkJobHealthTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text.replace('\'', '"'));
    }

    @Test
    void theCurrentJobIsTheNewestActiveOneElseTheNewestEnded() throws Exception {
        JsonNode overview = json("{'jobs':[{'jid':'a','name':'fraud','state':'CANCELED','start-time':300},"
                + "{'jid':'b','name':'fraud','state':'RESTARTING','start-time':100},"
                + "{'jid':'c','name':'fraud','state':'RUNNING','start-time':200}]}");
        assertThat(FlinkJobHealth.currentJob(overview)).contains(new JobRef("c", "fraud", "RUNNING"));

        JsonNode ended = json("{'jobs':[{'jid':'a','name':'x','state':'FINISHED','start-time':1},"
                + "{'jid':'b','name':'y','state':'CANCELED','start-time':2}]}");
        assertThat(FlinkJobHealth.currentJob(ended)).contains(new JobRef("b", "y", "CANCELED"));
        assertThat(FlinkJobHealth.currentJob(json("{'jobs':[]}"))).isEmpty();
    }

    @Test
    void theWatermarkIsTheSmallestInputWatermarkAndNoneBeforeTheFirst() throws Exception {
        assertThat(FlinkJobHealth.minInputWatermark(json("[{'id':'0.currentInputWatermark','value':'1770379260000'},"
                        + "{'id':'1.currentInputWatermark','value':'1770379200000'},{'id':'0.currentOutputWatermark',"
                        + "'value':'1'}]")))
                .isEqualTo(1770379200000L);
        assertThat(FlinkJobHealth.minInputWatermark(json("[{'id':'0.currentInputWatermark','value':'1770379260000'},"
                        + "{'id':'1.currentInputWatermark','value':'-9223372036854775808'}]")))
                .isNull();
        assertThat(FlinkJobHealth.minInputWatermark(json("[]"))).isNull();
    }

    @Test
    void aChainCountsTheWatermarkItsOperatorsReallySee() throws Exception {
        String watermarks = "[{'id':'0.currentInputWatermark','value':'-9223372036854775808'}]";
        // The fraud detector's chain: the detector's own gauge is the minimum of its inputs, and its rules
        // input never has a watermark; the sink writer after it sees the detector's 12:01:24.999.
        assertThat(FlinkJobHealth.watermarkOf(
                        json(watermarks),
                        json("[{'id':'fraud-detector.currentInputWatermark',"
                                + "'min':-9223372036854775808},{'id':'sink: Writer.currentInputWatermark',"
                                + "'min':1.770379284999E12}]")))
                .isEqualTo(1770379284999L);
        assertThat(
                        FlinkJobHealth.watermarkOf(
                                json(watermarks),
                                json(
                                        "[{'id':'a.currentInputWatermark',"
                                                + "'min':-9.223372036854776E18},{'id':'b.currentInputWatermark','min':-9.223372036854776E18}]")))
                .isNull();
        // Without operator gauges, the task's currentInputWatermark counts.
        assertThat(FlinkJobHealth.watermarkOf(
                        json("[{'id':'0.currentInputWatermark','value':'1770379260000'}]"), json("[]")))
                .isEqualTo(1770379260000L);
    }

    @Test
    void theLatestCompletedCheckpoint() throws Exception {
        assertThat(FlinkJobHealth.latestCheckpoint(json("{'counts':{'completed':4},'latest':{'completed':"
                        + "{'id':12,'status':'COMPLETED','latest_ack_timestamp':1770379262000,'end_to_end_duration':41},"
                        + "'failed':null}}")))
                .isEqualTo(new Checkpoint(12, 1770379262000L, 41));
        assertThat(FlinkJobHealth.latestCheckpoint(json("{'latest':{'completed':null}}")))
                .isNull();
    }

    @Test
    void libraryMetricsAreFoundByNameWhateverTheOperatorScope() throws Exception {
        assertThat(FlinkJobHealth.isLibraryMetric("Source__transactions-source.deserializationErrors"))
                .isTrue();
        assertThat(FlinkJobHealth.isLibraryMetric("fraud-detector.numLateRecords"))
                .isTrue();
        assertThat(FlinkJobHealth.isLibraryMetric("Source__orders-source.newestEventTime"))
                .isTrue();
        assertThat(FlinkJobHealth.isLibraryMetric("window.numLateRecordsDropped"))
                .isFalse();
        assertThat(FlinkJobHealth.isLibraryMetric("numRecordsIn")).isFalse();

        JsonNode aggregated = json("[{'id':'Source__a.deserializationErrors','min':0,'max':2,'avg':1,'sum':3.0},"
                + "{'id':'Sink__b.deadLetterRecords','min':1,'max':1,'avg':1,'sum':2.0},"
                + "{'id':'op.numLateRecords','min':0,'max':5,'avg':2.5,'sum':5.0},"
                + "{'id':'Source__a.newestEventTime','min':-9.223372036854776E18,'max':1.77037926E12,"
                + "'avg':0,'sum':0}]");
        assertThat(FlinkJobHealth.sum(aggregated, FlinkJobHealth.DEAD_LETTER_METRICS))
                .isEqualTo(5);
        assertThat(FlinkJobHealth.sum(aggregated, Set.of("numLateRecords"))).isEqualTo(5);
        assertThat(FlinkJobHealth.max(aggregated, "newestEventTime")).isEqualTo(1770379260000L);
        assertThat(FlinkJobHealth.max(
                        json("[{'id':'Source__a.newestEventTime','min':-9.223372036854776E18,"
                                + "'max':-9.223372036854776E18}]"),
                        "newestEventTime"))
                .isNull();
    }

    @Test
    void ratesArePerSecondOfTheTimeBetweenTwoLooks() {
        assertThat(FlinkJobHealth.perSecond(150, 1_500_000_000L)).isEqualTo(100.0);
    }
}
