import xml.dom.minidom
import xml.dom.pulldom
import xml.etree.ElementTree as ET
import xml.sax
from xml.etree.ElementTree import fromstring

import defusedxml.ElementTree as DET
from flask import request
from lxml import etree


def et_fromstring():
    # ruleid: xml
    return ET.fromstring(request.data)


def et_parse():
    # ruleid: xml
    return ET.parse(request.files["doc"]).getroot()


def et_imported():
    # ruleid: xml
    return fromstring(request.get_data())


def minidom_parse():
    # ruleid: xml
    return xml.dom.minidom.parseString(request.data)


def pulldom_parse():
    # ruleid: xml
    return xml.dom.pulldom.parseString(request.data.decode())


def sax_parse(handler):
    # ruleid: xml
    xml.sax.parseString(request.data, handler)


def sax_external_entities(handler):
    parser = xml.sax.make_parser()
    # ruleid: xml
    parser.setFeature(xml.sax.handler.feature_external_ges, True)
    parser.setContentHandler(handler)
    parser.parse(request.files["doc"])


def lxml_resolve():
    parser = etree.XMLParser(resolve_entities=True)
    # ruleid: xml
    return etree.fromstring(request.data, parser)


def lxml_network():
    # ruleid: xml
    parser = etree.XMLParser(no_network=False, load_dtd=True)
    return etree.fromstring(request.data, parser)


def defused():
    # ok: xml
    return DET.fromstring(request.data)


def lxml_hardened():
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    # ok: xml
    return etree.fromstring(request.data, parser)


def build():
    # ok: xml
    root = ET.Element("feed")
    ET.SubElement(root, "title").text = "Releases"
    # ok: xml
    return ET.tostring(root)
