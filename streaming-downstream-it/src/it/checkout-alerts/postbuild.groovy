// Runs after the downstream build: did it pass as a user would see it, and is its job jar what the README promises?
import java.util.jar.JarFile

import groovy.xml.XmlSlurper

def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
assert log.contains('Tests run: 1, Failures: 0, Errors: 0, Skipped: 0')
// the testkit's quiet logging: Flink's metric-name collisions are gone, the test ran its job all the same
assert !log.contains('Name collision')

def jar = new File(basedir, 'target/checkout-alerts-1.0-job.jar')
assert jar.isFile()
def entries = new JarFile(jar).withCloseable { j -> j.entries().toList()*.name as Set }
def has = { prefix -> entries.any { it.startsWith(prefix) } }

// the job, the library, the connector, the Kafka client and Avro are in the jar ...
['com/example/checkout/CheckoutAlertsJob.class', 'com/example/checkout/Payment.class',
 'dev/streamingblocks/kafka/source/TypedKafkaSource.class', 'dev/streamingblocks/core/window/WindowResult.class',
 'org/apache/flink/connector/kafka/source/KafkaSource.class', 'org/apache/kafka/clients/producer/KafkaProducer.class',
 'org/apache/avro/Schema.class', 'org/apache/flink/formats/avro/AvroDeserializationSchema.class'].each {
    assert entries.contains(it) : "missing from the job jar: $it"
}
// ... Flink itself, flink-connector-base (provided), flink-json (not needed by this job), the testkit, logging
// and the jars' signatures are not
['org/apache/flink/streaming/api/', 'org/apache/flink/api/common/', 'org/apache/flink/runtime/',
 'org/apache/flink/connector/base/', 'org/apache/flink/formats/json/', 'dev/streamingblocks/testkit/',
 'org/apache/kafka/controller/', 'kafka/server/', 'io/zonky/', 'org/slf4j/', 'org/apache/logging/'].each {
    assert !has(it) : "the job jar should not contain $it"
}
assert !entries.any { it ==~ /META-INF\/[^\/]+\.(SF|DSA|RSA)/ } : 'signature files left in the job jar'

// service files merged: Flink's table factories from both the Kafka connector and flink-avro
def factories = new JarFile(jar).withCloseable { j ->
    j.getInputStream(j.getEntry('META-INF/services/org.apache.flink.table.factories.Factory')).text }
assert factories.contains('org.apache.flink.streaming.connectors.kafka.table.KafkaDynamicTableFactory')
assert factories.contains('org.apache.flink.formats.avro.AvroFormatFactory')

// the BOM aligned what the jar carries: one Jackson version, a commons-io new enough for commons-compress
def bundled = { group, artifact ->
    def entry = "META-INF/maven/$group/$artifact/pom.properties"
    new JarFile(jar).withCloseable { j ->
        def props = new Properties(); props.load(j.getInputStream(j.getEntry(entry))); props.version }
}
['jackson-core', 'jackson-databind', 'jackson-annotations'].each {
    assert bundled('com.fasterxml.jackson.core', it) == jacksonVersion : "$it in the job jar"
}
assert bundled('commons-io', 'commons-io') == commonsIoVersion

// the BOM names the versions the library was built and tested with
def bom = new XmlSlurper().parse(new File(bomFile))
assert bom.version.text() == libraryVersion
assert bom.properties.'streaming-blocks.version'.text() == libraryVersion
assert bom.properties.'flink.version'.text() == flinkVersion
assert bom.properties.'flink.kafka.connector.version'.text() == kafkaConnectorVersion
assert bom.properties.'kafka.version'.text() == kafkaVersion
assert bom.properties.'avro.version'.text() == avroVersion
assert bom.properties.'junit.version'.text() == junitVersion
assert bom.properties.'jackson.version'.text() == jacksonVersion
assert bom.properties.'commons.io.version'.text() == commonsIoVersion
assert bom.properties.'log4j.version'.text() == log4jVersion
return true
